package gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final SlackMessage slack = new SlackMessage(mapper, new ChatMarkdown());

    private static ChatDelivery answered(String question, String answer) {
        return new ChatDelivery(question, answer, "trk-123", "crm", "weekly-report", ChatDelivery.Status.ANSWERED, null);
    }

    private JsonNode render(ChatDelivery delivery) throws Exception {
        JsonNode message = mapper.readTree(slack.render(delivery));
        List<String> violations = BlockKitRules.violations(message);
        assertTrue(violations.isEmpty(), () -> "Block Kit rules broken: " + violations + "\n" + message.toPrettyString());
        return message;
    }

    private static List<String> sectionTexts(JsonNode message) {
        List<String> texts = new ArrayList<>();
        message.path("blocks").forEach(b -> {
            if ("section".equals(b.path("type").asText())) {
                texts.add(b.path("text").path("text").asText());
            }
        });
        return texts;
    }

    /** The answer's sections: every section after the question's. */
    private static List<String> answerTexts(JsonNode message) {
        List<String> all = sectionTexts(message);
        return all.subList(1, all.size());
    }

    @Test
    void anAnswerReadsAsSlackMrkdwn() throws Exception {
        JsonNode message = render(answered("Which deals close this quarter?", """
                # Deals this quarter

                Three deals, **$1.2M** in total, *likely* all closing. See [the pipeline](https://crm.example/p?a=1&b=2).

                - Acme: `$500k`
                - Globex
                  1. first step
                  2. second step

                > a quote

                ```sql
                select * from deals where amount > 100;
                ```
                """));
        assertEquals("Question answered: Which deals close this quarter?", message.path("text").asText());
        JsonNode blocks = message.path("blocks");
        assertEquals("header", blocks.get(0).path("type").asText());
        assertEquals("Question answered", blocks.get(0).path("text").path("text").asText());
        assertEquals("*Question*\nWhich deals close this quarter?", sectionTexts(message).get(0));
        assertEquals("divider", blocks.get(2).path("type").asText());
        String answer = String.join("\n\n", answerTexts(message));
        assertEquals("""
                *Deals this quarter*

                Three deals, *$1.2M* in total, _likely_ all closing. See <https://crm.example/p?a=1&amp;b=2|the pipeline>.

                • Acme: `$500k`
                • Globex
                   1. first step
                   2. second step

                > a quote

                ```
                select * from deals where amount &gt; 100;
                ```""", answer);
        JsonNode context = blocks.get(blocks.size() - 1);
        assertEquals("context", context.path("type").asText());
        assertEquals("Tracking id: `trk-123`", context.path("elements").get(0).path("text").asText());
        assertEquals("Source: crm / weekly-report", context.path("elements").get(1).path("text").asText());
    }

    @Test
    void hostileTextNeverMentionsAnyoneNorBreaksTheMessage() throws Exception {
        String hostile = "<!channel> <!here> <!everyone> <@U123> <#C1|general> <!subteam^S1> & <b>bold</b> &amp; >";
        ChatDelivery delivery = new ChatDelivery(hostile, hostile + "\n\n" + """
                [click](javascript:alert(1)) [mail](mailto:a@b.c) <https://x.example/a|b>
                [odd](https://x.example/a|<!channel>) `<@U123> & ```` x

                ```
                <!here> ``` & done
                ```
                """, "trk-<!here>", "<@U1>", "&", ChatDelivery.Status.ANSWERED, null);
        JsonNode message = render(delivery);
        String all = message.toString();
        for (String mention : List.of("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C1", "<!subteam", "<@U1>")) {
            assertFalse(all.contains(mention), mention + " left in " + all);
        }
        assertTrue(sectionTexts(message).get(0).contains("&lt;!channel&gt; &lt;!here&gt;"));
        assertTrue(message.path("text").asText().contains("&lt;@U123&gt; &lt;#C1|general&gt;"));
        String answer = String.join("\n", answerTexts(message));
        assertFalse(answer.contains("javascript:alert(1)|"), "only http(s) links become links");
        assertTrue(answer.contains("click (javascript:alert(1))"), answer);
        assertTrue(answer.contains("<https://x.example/a%7C%3C!channel%3E|odd>"), answer);
    }

    @Test
    void aLongAnswerIsSplitBetweenWordsIntoAtMostFiftyBlocks() throws Exception {
        // 400 paragraphs of 60 numbered words: about 200,000 characters, far more than 50 sections hold
        List<String> paragraphs = IntStream.range(0, 400).mapToObj(p -> IntStream.range(0, 60)
                .mapToObj(w -> "word" + p + "x" + w).collect(Collectors.joining(" "))).toList();
        Set<String> words = paragraphs.stream().flatMap(p -> List.of(p.split(" ")).stream()).collect(Collectors.toSet());
        JsonNode message = render(answered("long?", String.join("\n\n", paragraphs)));
        assertEquals(50, message.path("blocks").size());
        List<String> answer = answerTexts(message);
        assertTrue(answer.get(answer.size() - 1).contains("longer than a Slack message holds"));
        for (String section : answer.subList(0, answer.size() - 1)) {
            assertTrue(section.length() > 2000, "sections are packed: " + section.length());
            for (String token : section.split("\\s+")) {
                assertTrue(words.contains(token), "a word was cut: " + token);
            }
        }
    }

    @Test
    void anAnswerThatFitsIsWhole() throws Exception {
        List<String> paragraphs = IntStream.range(0, 60).mapToObj(p -> IntStream.range(0, 60)
                .mapToObj(w -> "w" + p + "x" + w).collect(Collectors.joining(" "))).toList();
        JsonNode message = render(answered("fits?", String.join("\n\n", paragraphs)));
        assertEquals(String.join("\n\n", paragraphs), String.join("\n\n", answerTexts(message)));
    }

    @Test
    void aCodeBlockLongerThanASectionIsSeveralFencedBlocksCutBetweenLines() throws Exception {
        List<String> lines = IntStream.range(0, 400).mapToObj(i -> "    line(" + i + ") <- value & " + i).toList();
        String code = String.join("\n", lines);
        JsonNode message = render(answered("code?", "Here:\n\n```java\n" + code + "\n```\n\nDone."));
        List<String> answer = answerTexts(message);
        assertTrue(answer.size() >= 5, "several sections: " + answer.size());
        List<String> back = new ArrayList<>();
        for (String section : answer) {
            for (String part : section.split("\n\n")) {
                if (part.startsWith("```")) {
                    assertTrue(part.startsWith("```\n") && part.endsWith("\n```"), part);
                    back.addAll(List.of(part.substring(4, part.length() - 4).split("\n")));
                }
            }
        }
        assertEquals(lines.stream().map(SlackMessage.SLACK::escape).toList(), back, "every line, whole, in order");
        assertTrue(answer.get(0).startsWith("Here:"));
        assertTrue(answer.get(answer.size() - 1).endsWith("Done."));
    }

    @Test
    void aLineOrWordLongerThanASectionIsCutButNeverInsideAnEntity() throws Exception {
        String word = "a&b<1>".repeat(1500); // 9,000 characters, 24,000 once escaped (<1> is no HTML tag: it stays)
        JsonNode message = render(answered("long word?", word + "\n\n```\n" + word + "\n```"));
        String joined = String.join("", answerTexts(message)).replaceAll("```|\\s", "");
        String escaped = SlackMessage.SLACK.escape(word);
        assertEquals(escaped + escaped, joined);
    }

    @Test
    void tablesArePreformattedAndAligned() throws Exception {
        StringBuilder md = new StringBuilder();
        for (int t = 0; t < 30; t++) {
            md.append("Table ").append(t).append("\n\n| Deal | Amount | Stage |\n|---|---:|---|\n");
            for (int r = 0; r < 12; r++) {
                md.append("| Deal <").append(t).append('-').append(r).append("> & co | $").append(r * 1000)
                        .append(" | **closing** |\n");
            }
            md.append('\n');
        }
        JsonNode message = render(answered("tables?", md.toString()));
        String first = answerTexts(message).get(0);
        assertTrue(first.contains("""
                ```
                Deal             | Amount | Stage
                -----------------+--------+--------
                Deal &lt;0-0&gt; &amp; co  |     $0 | closing
                Deal &lt;0-1&gt; &amp; co  |  $1000 | closing
                """), first);
    }

    @Test
    void aFailedOrCancelledQuestionIsAShortMessage() throws Exception {
        JsonNode failed = render(new ChatDelivery("Why <!here>?", null, "trk-9", "crm", null, ChatDelivery.Status.FAILED,
                "The agent <@U1> timed out"));
        assertEquals(5, failed.path("blocks").size());
        assertEquals("Question failed", failed.path("blocks").get(0).path("text").path("text").asText());
        assertEquals("The question could not be answered: The agent &lt;@U1&gt; timed out", sectionTexts(failed).get(1));
        assertEquals("Source: crm", failed.path("blocks").get(4).path("elements").get(1).path("text").asText());

        JsonNode cancelled = render(new ChatDelivery("Why?", "ignored", "trk-9", null, null, ChatDelivery.Status.CANCELLED, null));
        assertEquals(5, cancelled.path("blocks").size());
        assertEquals("The question was cancelled; it will not be answered.", sectionTexts(cancelled).get(1));
        assertEquals(1, cancelled.path("blocks").get(4).path("elements").size(), "no source line without a source");
    }

    @Test
    void aVeryLongQuestionIsShortenedAtAWord() throws Exception {
        String question = IntStream.range(0, 2000).mapToObj(i -> "q" + i).collect(Collectors.joining(" "));
        JsonNode message = render(answered(question, "ok"));
        String shown = sectionTexts(message).get(0);
        assertTrue(shown.endsWith("…"));
        Set<String> words = new HashSet<>(List.of(question.split(" ")));
        for (String token : shown.substring("*Question*\n".length(), shown.length() - 1).split(" ")) {
            assertTrue(words.contains(token), token);
        }
        assertTrue(message.path("text").asText().length() <= SlackMessage.FALLBACK_LIMIT);
    }
}
