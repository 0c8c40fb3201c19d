package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.chat.ChatDelivery;
import gateway.chat.ChatMarkdown;
import gateway.chat.TeamsCard;
import gateway.local.ChatPreview.Block;
import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;
import org.junit.jupiter.api.Test;

/** Teams cards rendered by the real {@link TeamsCard}, read back as they would read in Teams. */
class TeamsPreviewTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final TeamsCard teams = new TeamsCard(mapper, new ChatMarkdown());

    private static ChatDelivery answered(String question, String answer) {
        return new ChatDelivery(question, answer, "trk-123", "crm", "weekly_report", ChatDelivery.Status.ANSWERED, null);
    }

    private ChatPreview preview(ChatDelivery delivery) throws Exception {
        return TeamsPreview.of(mapper.readTree(teams.render(delivery)));
    }

    private static Span span(ChatPreview preview, String text) {
        return preview.spans().stream().filter(s -> s.text().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + text + "' in " + preview.spans()));
    }

    /** The answer's blocks: after the first divider, before the FactSet's divider. */
    private static List<Block> answerBlocks(ChatPreview preview) {
        List<Block> blocks = preview.blocks();
        int first = blocks.indexOf(new ChatPreview.Divider());
        int last = blocks.lastIndexOf(new ChatPreview.Divider());
        return blocks.subList(first + 1, last);
    }

    @Test
    void anAnswerReadsAsInTeamsWithItsFactsAsATable() throws Exception {
        ChatPreview preview = preview(answered("Which deals close this quarter?", """
                # Deals

                Three deals, **$1.2M**, *likely*. See [the pipeline](https://crm.example/p?a=(1)).

                - Acme_Corp
                - Globex
                  1. first step

                | Deal | Amount |
                |---|---|
                | Acme | 500 |
                """));

        List<Block> blocks = preview.blocks();
        assertThat(blocks.get(0)).isEqualTo(new ChatPreview.Text(List.of(Span.plain("Question answered")), Look.STRONG, Look.LARGE));
        assertThat(blocks.get(1)).isEqualTo(new ChatPreview.Text(List.of(Span.plain("Which deals close this quarter?")), Look.SUBTLE));
        assertThat(blocks.get(2)).isInstanceOf(ChatPreview.Divider.class);
        assertThat(answerBlocks(preview)).extracting(Block::plainText).containsExactly(
                "Deals",
                "Three deals, $1.2M, likely. See the pipeline.",
                "• Acme_Corp\n• Globex\n   1. first step",
                "Deal | Amount\n-----+-------\nAcme | 500");
        assertThat(span(preview, "Deals").marks()).containsExactly(Mark.BOLD);
        assertThat(span(preview, "$1.2M").marks()).containsExactly(Mark.BOLD);
        assertThat(span(preview, "likely").marks()).containsExactly(Mark.ITALIC);
        assertThat(span(preview, "the pipeline").link()).isEqualTo("https://crm.example/p?a=%281%29");
        assertThat(answerBlocks(preview).get(3)).isInstanceOf(ChatPreview.Preformatted.class);

        assertThat(blocks.get(blocks.size() - 1)).isInstanceOfSatisfying(ChatPreview.Facts.class, facts ->
                assertThat(facts.plainText()).isEqualTo("Tracking id: trk-123\nSource: crm / weekly_report"));
        assertThat(preview.fallback()).isEqualTo("Question answered: Which deals close this quarter?");
        assertThat(preview.tool()).isEqualTo("Teams");
        assertThat(preview.trackingId()).isEqualTo("trk-123");
    }

    @Test
    void hostileTextReadsLiterallyNeverAsAMarkALinkOrAMention() throws Exception {
        String question = "**not bold** _nor italic_ [click](javascript:alert(1)) [ok](https://x.example) "
                + "<script>alert('x')</script> & \\ <at>Bob</at>";
        ChatPreview preview = preview(answered(question, """
                See [this](javascript:alert(1)) and <b>bold</b> & \\*stars\\* <at>Ann</at>.
                """));

        // the marks' characters were escaped by the renderer: they read as typed; a mention's tag gets a zero-width space
        assertThat(preview.blocks().get(1).plainText()).isEqualTo(question.replace("<at>", "<\u200Bat>")
                .replace("</at>", "</\u200Bat>"));
        assertThat(preview.spans()).noneMatch(s -> s.link() != null).noneMatch(s -> !s.marks().isEmpty());
        // in the answer, raw HTML (<b>, <at>) is dropped by the renderer
        assertThat(answerBlocks(preview)).extracting(Block::plainText)
                .containsExactly("See this (javascript:alert(1)) and bold & *stars* Ann.");
    }

    @Test
    void codeIsMonospaceWithItsIndentationAndCharacters() throws Exception {
        String code = "if (a < b && c > d) {\n    print(\"**x** [y](z)\");\n}";
        ChatPreview preview = preview(answered("code?", "```\n" + code + "\n```"));

        // indentation is kept with no-break spaces, as Teams shows it
        assertThat(answerBlocks(preview)).containsExactly(new ChatPreview.Preformatted(code.replace("    ", "\u00A0".repeat(4))));
    }

    @Test
    void aLongAnswerReadsInOrderThenSaysItWasCut() throws Exception {
        List<String> paragraphs = IntStream.rangeClosed(1, 200)
                .mapToObj(p -> IntStream.rangeClosed(1, 30).mapToObj(w -> "p" + p + "w" + w).collect(Collectors.joining(" ")))
                .toList();
        ChatPreview preview = preview(answered("q", String.join("\n\n", paragraphs)));

        List<Block> blocks = preview.blocks();
        int factsDivider = blocks.lastIndexOf(new ChatPreview.Divider());
        List<Block> answer = blocks.subList(blocks.indexOf(new ChatPreview.Divider()) + 1, factsDivider);
        Block cut = answer.get(answer.size() - 1);
        assertThat(cut.plainText()).startsWith("The answer is longer than a Teams message holds");
        List<String> read = answer.subList(0, answer.size() - 1).stream().map(Block::plainText).toList();
        assertThat(read).hasSizeGreaterThan(50).hasSizeLessThan(paragraphs.size());
        assertThat(read).containsExactlyElementsOf(paragraphs.subList(0, read.size()));
    }

    @Test
    void aFailedQuestionIsInTheAttentionColour() throws Exception {
        ChatPreview preview = preview(new ChatDelivery("q", null, "trk-9", null, null, ChatDelivery.Status.FAILED, "boom_1"));
        assertThat(answerBlocks(preview)).containsExactly(new ChatPreview.Text(
                List.of(Span.plain("The question could not be answered: boom_1")), Look.ATTENTION));
    }

    @Test
    void readsOtherElementsAndShapes() throws Exception {
        JsonNode card = mapper.readTree("""
                {"type":"AdaptiveCard","version":"1.4","body":[
                  {"type":"Container","items":[{"type":"TextBlock","text":"in a **container**","size":"Large"}]},
                  {"type":"ColumnSet","columns":[{"type":"Column","items":[{"type":"TextBlock","text":"left"}]},
                                                 {"type":"Column","items":[{"type":"TextBlock","text":"right"}]}]},
                  {"type":"Image","url":"https://x.example/i.png","altText":"a chart","separator":true},
                  {"type":"Input.Text","id":"x"}
                ],"actions":[{"type":"Action.OpenUrl","url":"https://x.example"}]}""");

        ChatPreview bare = TeamsPreview.of(card);
        assertThat(bare.blocks()).extracting(Block::plainText).containsExactly("in a container", "left", "right", "---",
                "[image: a chart]", "(a 'Input.Text' element, not shown here)", "(1 action(s), not shown here)");
        assertThat(span(bare, "container").marks()).containsExactly(Mark.BOLD);
        assertThat(((ChatPreview.Text) bare.blocks().get(0)).has(Look.LARGE)).isTrue();

        assertThat(TeamsPreview.of(mapper.readTree("{\"type\":\"message\",\"attachments\":[{\"contentType\":\"text/plain\"}]}"))
                .plainText()).contains("not an Adaptive Card");
        assertThat(TeamsPreview.of(mapper.readTree("{\"text\":\"hi\"}")).plainText()).contains("no Adaptive Card");
        assertThat(TeamsPreview.of(null).plainText()).contains("not a JSON object");
    }
}
