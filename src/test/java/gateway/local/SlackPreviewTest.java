package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.chat.ChatDelivery;
import gateway.chat.ChatMarkdown;
import gateway.chat.SlackMessage;
import gateway.local.ChatPreview.Block;
import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;
import org.junit.jupiter.api.Test;

/** Slack messages rendered by the real {@link SlackMessage}, read back as they would read in Slack. */
class SlackPreviewTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final SlackMessage slack = new SlackMessage(mapper, new ChatMarkdown());

    private static ChatDelivery answered(String question, String answer) {
        return new ChatDelivery(question, answer, "trk-123", "crm", "weekly-report", ChatDelivery.Status.ANSWERED, null);
    }

    private ChatPreview preview(ChatDelivery delivery) throws Exception {
        return SlackPreview.of(mapper.readTree(slack.render(delivery)));
    }

    private ChatPreview preview(String json) throws Exception {
        return SlackPreview.of(mapper.readTree(json));
    }

    private static Span span(ChatPreview preview, String text) {
        return preview.spans().stream().filter(s -> s.text().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + text + "' in " + preview.spans()));
    }

    /** The answer's blocks: after the divider, before the context line. */
    private static List<Block> answerBlocks(ChatPreview preview) {
        List<Block> blocks = preview.blocks();
        int divider = blocks.indexOf(new ChatPreview.Divider());
        return blocks.subList(divider + 1, blocks.size() - 1);
    }

    @Test
    void anAnswerReadsAsInSlackBlockByBlock() throws Exception {
        ChatPreview preview = preview(answered("Which deals close this quarter?", """
                # Deals this quarter

                Three deals, **$1.2M** in total, *likely* all closing. See [the pipeline](https://crm.example/p?a=1&b=2).

                - Acme: `$500k`
                - Globex

                > a quote

                ```sql
                select * from deals where amount > 100 && stage <> 'lost';
                ```

                | Deal | Amount |
                |---|---:|
                | Acme | 500 |
                | Globex | 1,200 |
                """));

        List<Block> blocks = preview.blocks();
        assertThat(blocks.get(0)).isEqualTo(new ChatPreview.Text(List.of(Span.plain("Question answered")), Look.STRONG, Look.LARGE));
        assertThat(blocks.get(1).plainText()).isEqualTo("Question\nWhich deals close this quarter?");
        assertThat(span(preview, "Question").has(Mark.BOLD)).isTrue();
        assertThat(blocks.get(2)).isInstanceOf(ChatPreview.Divider.class);
        assertThat(answerBlocks(preview)).extracting(Block::plainText).containsExactly(
                "Deals this quarter",
                "Three deals, $1.2M in total, likely all closing. See the pipeline.",
                "• Acme: $500k\n• Globex",
                "a quote",
                "select * from deals where amount > 100 && stage <> 'lost';",
                "Deal   | Amount\n-------+-------\nAcme   |    500\nGlobex |  1,200");
        assertThat(span(preview, "Deals this quarter").has(Mark.BOLD)).isTrue();
        assertThat(span(preview, "$1.2M").marks()).containsExactly(Mark.BOLD);
        assertThat(span(preview, "likely").marks()).containsExactly(Mark.ITALIC);
        assertThat(span(preview, "the pipeline").link()).isEqualTo("https://crm.example/p?a=1&b=2");
        assertThat(span(preview, "$500k").marks()).containsExactly(Mark.CODE);
        assertThat(answerBlocks(preview).get(3)).isInstanceOfSatisfying(ChatPreview.Text.class,
                quote -> assertThat(quote.has(Look.QUOTE)).isTrue());
        assertThat(answerBlocks(preview).subList(4, 6)).allMatch(b -> b instanceof ChatPreview.Preformatted);

        ChatPreview.Text context = (ChatPreview.Text) blocks.get(blocks.size() - 1);
        assertThat(context.has(Look.CONTEXT)).isTrue();
        assertThat(context.plainText()).isEqualTo("Tracking id: trk-123   ·   Source: crm / weekly-report");
        assertThat(span(preview, "trk-123").has(Mark.CODE)).isTrue();
        assertThat(preview.fallback()).isEqualTo("Question answered: Which deals close this quarter?");
        assertThat(preview.tool()).isEqualTo("Slack");
        assertThat(preview.trackingId()).isEqualTo("trk-123");
    }

    @Test
    void hostileTextReadsAsTextNeverAsAMentionALinkOrMarkup() throws Exception {
        String question = "<!channel> <!here> <@U123> <#C1|general> & <script>alert('x')</script>";
        ChatPreview preview = preview(answered(question, """
                Hi <!channel>, see [this](javascript:alert(1)) and <b>bold</b> & <@U123>.

                A literal &amp; stays &amp;lt; too.
                """));

        assertThat(preview.blocks().get(1).plainText()).isEqualTo("Question\n" + question);
        assertThat(preview.fallback()).isEqualTo("Question answered: " + question);
        assertThat(preview.spans()).noneMatch(s -> s.has(Mark.MENTION)).noneMatch(s -> s.link() != null);
        // raw HTML (<b>) is dropped from the answer by the renderer; a non-web link is its text and target; the rest,
        // <!channel> and <@U123> too, reads literally
        assertThat(answerBlocks(preview)).extracting(Block::plainText).containsExactly(
                "Hi <!channel>, see this (javascript:alert(1)) and bold & <@U123>.",
                "A literal & stays &lt; too.");
    }

    @Test
    void aLongAnswerReadsWholeAndInOrderAcrossItsSections() throws Exception {
        List<String> paragraphs = IntStream.rangeClosed(1, 60)
                .mapToObj(p -> IntStream.rangeClosed(1, 30).mapToObj(w -> "p" + p + "w" + w).collect(Collectors.joining(" ")))
                .toList();
        String answer = String.join("\n\n", paragraphs);
        JsonNode message = mapper.readTree(slack.render(answered("q", answer)));
        long sections = IntStream.range(0, message.path("blocks").size())
                .filter(i -> "section".equals(message.path("blocks").get(i).path("type").asText())).count();
        assertThat(sections).as("the answer needs several sections").isGreaterThan(3);

        ChatPreview preview = SlackPreview.of(message);

        List<String> read = new ArrayList<>();
        answerBlocks(preview).forEach(b -> read.add(b.plainText()));
        assertThat(read).containsExactlyElementsOf(paragraphs);
    }

    @Test
    void codeAndTablesArePreformattedWithTheirCharactersBack() throws Exception {
        String code = "if (a < b && c > d) {\n    print(\"```\");\n}";
        ChatPreview preview = preview(answered("code?", "Here:\n\n```js\n" + code + "\n```\n\n| x | y |\n|---|---|\n| <1> | & |\n"));

        List<Block> answer = answerBlocks(preview);
        assertThat(answer).hasSize(3);
        // three backticks get zero-width spaces from the renderer (so they cannot close the fence): they read the same
        assertThat(answer.get(1)).isEqualTo(new ChatPreview.Preformatted(code.replace("```", "`\u200B`\u200B`")));
        assertThat(answer.get(2)).isEqualTo(new ChatPreview.Preformatted("x   | y\n----+--\n<1> | &"));
    }

    @Test
    void aFailedQuestionReadsAsItsShortMessage() throws Exception {
        ChatPreview preview = preview(new ChatDelivery("q", null, "trk-9", null, null, ChatDelivery.Status.FAILED,
                "agent said <no> & left"));
        assertThat(preview.blocks().get(0).plainText()).isEqualTo("Question failed");
        assertThat(answerBlocks(preview)).extracting(Block::plainText)
                .containsExactly("The question could not be answered: agent said <no> & left");
        assertThat(preview.blocks().get(preview.blocks().size() - 1).plainText()).isEqualTo("Tracking id: trk-9");
    }

    @Test
    void readsMrkdwnAsSlackDoes() throws Exception {
        ChatPreview preview = preview("""
                {"text":"fallback &amp; more","blocks":[
                  {"type":"section","text":{"type":"mrkdwn","text":"~gone~ _it_ *b _bi_* 2*3*4 snake_case_name a * b * c"}},
                  {"type":"section","text":{"type":"mrkdwn",
                    "text":"<https://x.example/a?b=1&amp;c=2|x &amp; y> <https://bare.example> <mailto:a@b.example|mail> <javascript:alert(1)|click>"}},
                  {"type":"section","text":{"type":"mrkdwn","text":"<!here> <!channel> <@U123> <#C1|general> <!subteam^S1|@team>"}},
                  {"type":"section","text":{"type":"plain_text","text":"*plain* <b>"}},
                  {"type":"section","fields":[{"type":"mrkdwn","text":"*Owner*\\nAnn"},{"type":"plain_text","text":"Amount"}]},
                  {"type":"image","image_url":"https://x.example/i.png","alt_text":"a chart"},
                  {"type":"actions","elements":[]}
                ]}""");

        assertThat(preview.blocks()).extracting(Block::plainText).containsExactly(
                "gone it b bi 2*3*4 snake_case_name a * b * c",
                "x & y https://bare.example mail click",
                "@here @channel @U123 #general @team",
                "*plain* <b>",
                "Owner\nAnn\nAmount",
                "[image: a chart]",
                "(a 'actions' block, not shown here)");
        assertThat(span(preview, "gone").marks()).containsExactly(Mark.STRIKE);
        assertThat(span(preview, "it").marks()).containsExactly(Mark.ITALIC);
        assertThat(span(preview, "b ").marks()).containsExactly(Mark.BOLD);
        assertThat(span(preview, "bi").marks()).containsExactlyInAnyOrder(Mark.BOLD, Mark.ITALIC);
        assertThat(span(preview, "x & y").link()).isEqualTo("https://x.example/a?b=1&c=2");
        assertThat(span(preview, "https://bare.example").link()).isEqualTo("https://bare.example");
        // mailto: and javascript: are their labels, not links
        assertThat(preview.spans()).filteredOn(s -> s.link() != null).extracting(Span::link)
                .containsExactly("https://x.example/a?b=1&c=2", "https://bare.example");
        assertThat(span(preview, "@here").has(Mark.MENTION)).isTrue();
        assertThat(span(preview, "#general").has(Mark.MENTION)).isTrue();
        assertThat(span(preview, "Owner").has(Mark.BOLD)).isTrue();
        assertThat(preview.blocks().get(4)).isInstanceOf(ChatPreview.Fields.class);
        assertThat(preview.fallback()).isEqualTo("fallback & more");
    }

    @Test
    void withoutBlocksTheTextIsTheMessageAndABadBodyIsNamed() throws Exception {
        ChatPreview text = preview("{\"text\":\"*Hi* there\\n```\\nx &lt; 1\\n```\"}");
        assertThat(text.fallback()).isNull();
        assertThat(text.blocks()).containsExactly(
                new ChatPreview.Text(List.of(new Span("Hi", java.util.Set.of(Mark.BOLD), null), Span.plain(" there"))),
                new ChatPreview.Preformatted("x < 1"));

        assertThat(preview("{}").plainText()).contains("no_text");
        assertThat(SlackPreview.of(null).plainText()).contains("invalid_payload");
        assertThat(preview("[1]").plainText()).contains("invalid_payload");
    }
}
