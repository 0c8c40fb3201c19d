package gateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A question and its answer as a Microsoft Teams message for a workflow (or legacy incoming-webhook) URL: one attachment
 * carrying an Adaptive Card, version {@value #VERSION} (what Teams renders everywhere, phones included):
 * <pre>{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{
 *   "type":"AdaptiveCard","version":"1.4","fallbackText":…,"msteams":{"width":"Full"},"body":[
 *     TextBlock "Question answered" | "Question failed" | "Question cancelled" (bolder, medium; fixed words)
 *     TextBlock the question
 *     TextBlock… the answer, one per paragraph, list or quote (markdown subset: **bold**, _italic_, - and 1. lists,
 *                [text](url) for http(s) only); code blocks and tables as fontType Monospace TextBlocks
 *     FactSet   Tracking id, Source]}}]}</pre>
 * Every TextBlock wraps. A failed question has one TextBlock saying so (with the error's message), a cancelled one a line.
 * Enum values are written in lower case ({@code bolder}, {@code monospace}): the schema's own spelling, which every
 * version of it accepts (1.2 and later match them case-insensitively).
 *
 * <p>Teams' size limit for such a message is about 28 KB: the answer's text is kept within {@value #ANSWER_BUDGET}
 * bytes of JSON (UTF-8; cut between blocks, or inside a long one at a line or a word), and an answer cut short ends with
 * a line saying the whole answer is in the tracking record.
 *
 * <p>Hostile text: TextBlock markdown has no HTML and no mention but {@code <at>…</at>} with a matching entity in
 * {@code msteams.entities}, which this card never has; still, {@code <at} in any text gets a zero-width space so no client
 * reads it as one. The marks' characters in the question, the answer's text, the source and the error
 * ({@code \ ` * _ [ ] ~}) are backslash-escaped, so they read literally and cannot make a link or a mark. Thread-safe.
 */
public final class TeamsCard {

    public static final String VERSION = "1.4";
    public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    /** The answer's TextBlocks' texts at most, in bytes of the message's JSON (Teams refuses messages over ~28 KB). */
    static final int ANSWER_BUDGET = 20_000;
    /** One TextBlock's text at most: long blocks are cut into several, as Slack's sections are. */
    static final int BLOCK_LIMIT = 5_000;

    private static final Pattern MARKDOWN_PUNCTUATION = Pattern.compile("([\\\\`*_\\[\\]~])");
    private static final Pattern AT_TAG = Pattern.compile("(?i)<(/?)(at)");

    private final ObjectMapper mapper;
    private final ChatMarkdown markdown;

    public TeamsCard(ObjectMapper mapper, ChatMarkdown markdown) {
        this.mapper = mapper;
        this.markdown = markdown;
    }

    /** The message's JSON, as POSTed to the workflow URL. */
    public String render(ChatDelivery delivery) {
        try {
            return mapper.writeValueAsString(message(delivery));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the Teams card of " + delivery.trackingId(), e);
        }
    }

    /** The message as a JSON tree. */
    public ObjectNode message(ChatDelivery delivery) {
        ObjectNode message = mapper.createObjectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject().put("contentType", CONTENT_TYPE);
        attachment.set("content", card(delivery));
        return message;
    }

    /** The Adaptive Card itself. */
    public ObjectNode card(ChatDelivery delivery) {
        ObjectNode card = mapper.createObjectNode();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard").put("version", VERSION);
        String question = delivery.question().strip();
        // the notification's text: the question as typed (no backslashes), only a mention's tag defused
        card.put("fallbackText", ChatText.shorten(SlackMessage.title(delivery.status()) + (question.isEmpty() ? ""
                : ": " + AT_TAG.matcher(question.replaceAll("\\s+", " ")).replaceAll("<$1\u200B$2")), SlackMessage.FALLBACK_LIMIT));
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        text(body, SlackMessage.title(delivery.status())).put("weight", "bolder").put("size", "medium");
        text(body, question.isEmpty() ? "_(no question)_" : ChatText.shorten(TEAMS.escape(question), BLOCK_LIMIT))
                .put("isSubtle", true);
        switch (delivery.status()) {
            case ANSWERED -> answer(body, delivery);
            case FAILED -> text(body, ChatText.shorten("The question could not be answered"
                    + (blank(delivery.errorMessage()) ? "." : ": " + TEAMS.escape(delivery.errorMessage().strip())), BLOCK_LIMIT))
                    .put("separator", true).put("color", "attention");
            case CANCELLED -> text(body, "The question was cancelled; it will not be answered.").put("separator", true);
        }
        ArrayNode facts = body.addObject().put("type", "FactSet").put("separator", true).putArray("facts");
        facts.addObject().put("title", "Tracking id").put("value", TEAMS.escape(delivery.trackingId()));
        if (!delivery.source().isEmpty()) {
            facts.addObject().put("title", "Source").put("value", ChatText.shorten(TEAMS.escape(delivery.source()), 500));
        }
        return card;
    }

    /** A notice's JSON (a test message, an endpoint's pause or resume), as POSTed to the workflow URL. */
    public String render(ChatNotice notice) {
        try {
            return mapper.writeValueAsString(message(notice));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Teams notice", e);
        }
    }

    /** A notice as a Teams message: a card with its title, its text and a FactSet of its facts. */
    public ObjectNode message(ChatNotice notice) {
        ObjectNode card = mapper.createObjectNode();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard").put("version", VERSION);
        String title = notice.title().strip();
        String text = notice.text().strip();
        card.put("fallbackText", ChatText.shorten(AT_TAG.matcher((title + (text.isEmpty() ? "" : ": " + text))
                .replaceAll("\\s+", " ")).replaceAll("<$1\u200B$2"), SlackMessage.FALLBACK_LIMIT));
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        text(body, ChatText.shorten(TEAMS.escape(title), 200)).put("weight", "bolder").put("size", "medium");
        if (!text.isEmpty()) {
            text(body, ChatText.shorten(TEAMS.escape(text), BLOCK_LIMIT));
        }
        if (!notice.facts().isEmpty()) {
            ArrayNode facts = body.addObject().put("type", "FactSet").put("separator", true).putArray("facts");
            notice.facts().forEach((name, value) -> facts.addObject().put("title", TEAMS.escape(name))
                    .put("value", ChatText.shorten(TEAMS.escape(value), 500)));
        }
        ObjectNode message = mapper.createObjectNode().put("type", "message");
        message.putArray("attachments").addObject().put("contentType", CONTENT_TYPE).set("content", card);
        return message;
    }

    private void answer(ArrayNode body, ChatDelivery delivery) {
        List<ObjectNode> blocks = new ArrayList<>();
        int used = 0;
        boolean cut = false;
        for (ChatMarkdown.Segment segment : markdown.segments(delivery.answerMarkdown(), TEAMS)) {
            String text = segment.preformatted() ? monospace(segment.text()) : segment.text();
            for (String piece : ChatText.split(text, BLOCK_LIMIT)) {
                int size = jsonBytes(piece);
                if (used + size > ANSWER_BUDGET) {
                    cut = true;
                    break;
                }
                used += size;
                ObjectNode block = block(piece);
                if (segment.preformatted()) {
                    block.put("fontType", "monospace");
                }
                blocks.add(block);
            }
            if (cut) {
                break;
            }
        }
        if (blocks.isEmpty()) {
            blocks.add(block("_The answer is empty._"));
        }
        blocks.get(0).put("separator", true);
        blocks.forEach(body::add);
        if (cut) {
            text(body, "_The answer is longer than a Teams message holds; the whole answer is in the record of "
                    + TEAMS.escape(delivery.trackingId()) + "._").put("isSubtle", true);
        }
    }

    /** The bytes a text takes in the message's JSON: UTF-8, plus one for each character JSON escapes with a backslash. */
    static int jsonBytes(String text) {
        int escapes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '"' || c < 0x20) {
                escapes += c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? 5 : 1;
            }
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + escapes;
    }

    /** Preformatted text in a monospace TextBlock: escaped, and its indentation kept with no-break spaces. */
    static String monospace(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') {
                indent++;
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("\u00A0".repeat(indent)).append(TEAMS.escape(line.substring(indent)));
        }
        return out.toString();
    }

    private ObjectNode block(String text) {
        return mapper.createObjectNode().put("type", "TextBlock").put("text", text).put("wrap", true);
    }

    private ObjectNode text(ArrayNode body, String text) {
        ObjectNode block = block(text);
        body.add(block);
        return block;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Teams' TextBlock markdown subset. */
    static final ChatMarkdown.Dialect TEAMS = new ChatMarkdown.Dialect() {
        @Override
        public String escape(String text) {
            return AT_TAG.matcher(MARKDOWN_PUNCTUATION.matcher(text).replaceAll("\\\\$1")).replaceAll("<$1\u200B$2");
        }

        @Override
        public String bold(String inner) {
            return "**" + inner + "**";
        }

        @Override
        public String italic(String inner) {
            return "_" + inner + "_";
        }

        @Override
        public String code(String literal) {
            return escape(literal.replace('\n', ' ')); // no inline code in TextBlock markdown: its text, literally
        }

        @Override
        public String link(String url, String text) {
            String target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
                    .replace(">", "%3E");
            return "[" + text.replace('\n', ' ') + "](" + target + ")";
        }

        @Override
        public String quote(String prose) {
            return "▎ " + prose.replace("\n", "\n▎ ");
        }

        @Override
        public String bullet() {
            return "- ";
        }
    };
}
