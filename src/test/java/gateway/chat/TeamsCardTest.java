package gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TeamsCardTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final TeamsCard teams = new TeamsCard(mapper, new ChatMarkdown());
    /** Every card rendered here, for the schema's test. */
    private final List<JsonNode> rendered = new ArrayList<>();

    private static ChatDelivery answered(String question, String answer) {
        return new ChatDelivery(question, answer, "trk-123", "crm", "weekly_report", ChatDelivery.Status.ANSWERED, null);
    }

    private JsonNode render(ChatDelivery delivery) throws Exception {
        JsonNode message = mapper.readTree(teams.render(delivery));
        List<String> violations = AdaptiveCardRules.violations(message);
        assertTrue(violations.isEmpty(), () -> "Adaptive Card rules broken: " + violations + "\n" + message.toPrettyString());
        rendered.add(message.path("attachments").get(0).path("content"));
        return message;
    }

    private static JsonNode body(JsonNode message) {
        return message.path("attachments").get(0).path("content").path("body");
    }

    private static List<JsonNode> answerBlocks(JsonNode message) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode body = body(message);
        for (int i = 2; i < body.size() - 1; i++) {
            out.add(body.get(i));
        }
        return out;
    }

    @Test
    void anAnswerReadsAsTextBlocksWithAFactSet() throws Exception {
        JsonNode message = render(answered("Which deals close this quarter?", """
                # Deals

                Three deals, **$1.2M**, *likely*. See [the pipeline](https://crm.example/p?a=(1)).

                - Acme_Corp
                - Globex

                | Deal | Amount |
                |---|---|
                | Acme | $5 |

                ```
                if (x) {
                    y();
                }
                ```
                """));
        JsonNode content = message.path("attachments").get(0).path("content");
        assertEquals("1.4", content.path("version").asText());
        assertEquals("Question answered: Which deals close this quarter?", content.path("fallbackText").asText());
        JsonNode body = body(message);
        assertEquals("Question answered", body.get(0).path("text").asText());
        assertEquals("Which deals close this quarter?", body.get(1).path("text").asText());
        List<String> texts = answerBlocks(message).stream().map(b -> b.path("text").asText()).toList();
        assertEquals(List.of("**Deals**",
                "Three deals, **$1.2M**, _likely_. See [the pipeline](https://crm.example/p?a=%281%29).",
                "- Acme\\_Corp\n- Globex",
                "Deal | Amount\n-----+-------\nAcme | $5",
                "if (x) {\n\u00A0\u00A0\u00A0\u00A0y();\n}"), texts);
        assertEquals("monospace", answerBlocks(message).get(3).path("fontType").asText());
        assertEquals("monospace", answerBlocks(message).get(4).path("fontType").asText());
        JsonNode facts = body.get(body.size() - 1).path("facts");
        assertEquals("Tracking id", facts.get(0).path("title").asText());
        assertEquals("trk-123", facts.get(0).path("value").asText());
        assertEquals("crm / weekly\\_report", facts.get(1).path("value").asText());
    }

    @Test
    void hostileTextIsInert() throws Exception {
        String hostile = "<at>Everyone</at> <AT>x</AT> [click](https://evil.example) **loud** <!channel>";
        JsonNode message = render(new ChatDelivery(hostile, hostile + "\n\n[js](javascript:alert(1))", "trk-1", hostile, null,
                ChatDelivery.Status.ANSWERED, null));
        String question = body(message).get(1).path("text").asText();
        assertEquals("<\u200Bat>Everyone</\u200Bat> <\u200BAT>x</\u200BAT> \\[click\\](https://evil.example) \\*\\*loud\\*\\* <!channel>",
                question);
        String all = message.toString();
        assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("<at"), "no <at> anywhere, the fallback text included");
        assertFalse(all.contains("](javascript"), "only http(s) links are links");
        assertTrue(all.contains("js (javascript:alert(1))"), all);
    }

    @Test
    void aLongAnswerStaysWithinTheBudgetAndSaysItWasCut() throws Exception {
        String answer = IntStream.range(0, 500).mapToObj(p -> IntStream.range(0, 40).mapToObj(w -> "w" + p + "x" + w)
                .collect(Collectors.joining(" "))).collect(Collectors.joining("\n\n"));
        JsonNode message = render(answered("long?", answer));
        int total = answerBlocks(message).stream().mapToInt(b -> TeamsCard.jsonBytes(b.path("text").asText())).sum();
        assertTrue(total <= TeamsCard.ANSWER_BUDGET + 200, "total " + total);
        List<JsonNode> blocks = answerBlocks(message);
        assertTrue(blocks.get(blocks.size() - 1).path("text").asText().contains("longer than a Teams message holds"));
        assertTrue(mapper.writeValueAsString(message).length() < 28_000, "within Teams' 28 KB");
    }

    @Test
    void theBudgetIsInBytesNotCharacters() throws Exception {
        String answer = IntStream.range(0, 400).mapToObj(p -> "這是一個關於本季度交易的很長的段落，第" + p + "段。".repeat(20))
                .collect(Collectors.joining("\n\n"));
        JsonNode message = render(answered("長い?", answer));
        int bytes = teams.render(answered("長い?", answer)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(bytes < 28_000, "within Teams' 28 KB: " + bytes);
        List<JsonNode> blocks = answerBlocks(message);
        assertTrue(blocks.get(blocks.size() - 1).path("text").asText().contains("longer than a Teams message holds"));
        assertEquals(6, TeamsCard.jsonBytes("a\\b\n"), "a and b, then a backslash and a newline of two bytes each in JSON");
    }

    @Test
    void codeAndTableHeavyAnswersAreMonospaceBlocksCutBetweenLines() throws Exception {
        String code = IntStream.range(0, 600).mapToObj(i -> "  call(" + i + ");").collect(Collectors.joining("\n"));
        StringBuilder md = new StringBuilder("```\n" + code + "\n```\n\n");
        for (int t = 0; t < 5; t++) {
            md.append("| a | b |\n|---|---|\n");
            for (int r = 0; r < 20; r++) {
                md.append("| ").append(r).append(" | *x* |\n");
            }
            md.append('\n');
        }
        JsonNode message = render(answered("code?", md.toString()));
        List<JsonNode> blocks = answerBlocks(message);
        List<String> lines = new ArrayList<>();
        for (JsonNode b : blocks) {
            if ("monospace".equals(b.path("fontType").asText()) && b.path("text").asText().contains("call(")) {
                assertTrue(b.path("text").asText().length() <= TeamsCard.BLOCK_LIMIT);
                lines.addAll(List.of(b.path("text").asText().split("\n")));
            }
        }
        assertEquals(IntStream.range(0, 600).mapToObj(i -> "\u00A0\u00A0call(" + i + ");").toList(), lines);
        assertEquals(5, blocks.stream().filter(b -> b.path("text").asText().startsWith("a  | b")).count());
    }

    @Test
    void aFailedOrCancelledQuestionIsShort() throws Exception {
        JsonNode failed = render(new ChatDelivery("Why?", null, "trk-9", null, null, ChatDelivery.Status.FAILED, "timed *out*"));
        assertEquals(4, body(failed).size());
        assertEquals("The question could not be answered: timed \\*out\\*", body(failed).get(2).path("text").asText());
        assertEquals(1, body(failed).get(3).path("facts").size());
        JsonNode cancelled = render(new ChatDelivery("Why?", "x", "trk-9", "crm", null, ChatDelivery.Status.CANCELLED, null));
        assertEquals("The question was cancelled; it will not be answered.", body(cancelled).get(2).path("text").asText());
    }

    @Test
    void everyCardHerePassesTheAdaptiveCardSchemaThatAnNpmPackageShips() throws Exception {
        assumeTrue(AdaptiveCardSchema.available(), "skipped: " + AdaptiveCardSchema.MODULE + " missing (npm ci in src/test/browser)");
        AdaptiveCardSchema schema = AdaptiveCardSchema.load();
        anAnswerReadsAsTextBlocksWithAFactSet();
        hostileTextIsInert();
        aLongAnswerStaysWithinTheBudgetAndSaysItWasCut();
        codeAndTableHeavyAnswersAreMonospaceBlocksCutBetweenLines();
        aFailedOrCancelledQuestionIsShort();
        theBudgetIsInBytesNotCharacters();
        assertEquals(7, rendered.size());
        for (JsonNode card : rendered) {
            List<String> violations = schema.violations(card);
            assertTrue(violations.isEmpty(), () -> violations + "\n" + card.toPrettyString());
        }
        // and the schema is really applied: a card it must refuse
        JsonNode bad = mapper.readTree("""
                {"type":"AdaptiveCard","body":[{"type":"TextBlock","weight":"heavy"},{"type":"FactSet","facts":[{"title":1}]}]}""");
        List<String> refused = schema.violations(bad);
        assertTrue(refused.stream().anyMatch(v -> v.contains("version")), refused.toString());
        assertTrue(refused.stream().anyMatch(v -> v.contains("body[0]") && v.contains("text")), refused.toString());
        assertTrue(refused.stream().anyMatch(v -> v.contains("body[0]") && v.contains("weight")), refused.toString());
        assertTrue(refused.stream().anyMatch(v -> v.contains("body[1]")), refused.toString());
    }
}
