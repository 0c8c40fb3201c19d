package gateway.chat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A question and its answer as a Slack message for an incoming webhook (Block Kit):
 * <pre>{"text": fallback, "blocks": [
 *   header    (plain_text: "Question answered" | "Question failed" | "Question cancelled"; fixed words)
 *   section   (mrkdwn: "*Question*" and the question)
 *   divider
 *   section…  (mrkdwn: the answer, converted from markdown by {@link ChatMarkdown}; code blocks and tables fenced)
 *   context   (mrkdwn: tracking id and source)]}</pre>
 * A failed question has, instead of the answer, one section saying so (and the error's message); a cancelled one a
 * line saying it was cancelled.
 *
 * <p>Slack's limits: a section's text is at most {@value #SECTION_LIMIT} characters and a message at most
 * {@value #MAX_BLOCKS} blocks. The answer is packed into as few sections as fit, cut at a blank line, a line break or a
 * space, never inside a word (but a word longer than a section) or a code block: a code block longer than a section is
 * several fenced blocks, cut between lines. An answer that needs more blocks than a message has ends with a line
 * saying the rest is in the tracking record.
 *
 * <p>Hostile text: every text from the question, the answer, the source and the error is escaped as Slack asks
 * ({@code &}, {@code <}, {@code >} as {@code &amp;}, {@code &lt;}, {@code &gt;}), so {@code <!channel>},
 * {@code <!here>}, {@code <@U123>} or {@code <#C1>} read as text and never mention anyone; the only {@code <…>} this
 * writes are links to http(s) URLs (whose {@code <}, {@code >}, {@code |} and spaces are percent-encoded). Bare
 * {@code @channel} is plain text for an incoming webhook (Slack links names only with {@code link_names}, never set
 * here). A run of three backticks in text or code gets zero-width spaces, so it cannot open or close a fence.
 * Thread-safe.
 */
public final class SlackMessage {

    public static final int SECTION_LIMIT = 3000;
    public static final int MAX_BLOCKS = 50;
    static final int HEADER_LIMIT = 150;
    /** The notification text: short, it is what a phone shows. */
    static final int FALLBACK_LIMIT = 300;
    private static final String FENCE = "```";

    private final ObjectMapper mapper;
    private final ChatMarkdown markdown;

    public SlackMessage(ObjectMapper mapper, ChatMarkdown markdown) {
        this.mapper = mapper;
        this.markdown = markdown;
    }

    /** The message's JSON, as POSTed to the incoming webhook. */
    public String render(ChatDelivery delivery) {
        try {
            return mapper.writeValueAsString(message(delivery));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the Slack message of " + delivery.trackingId(), e);
        }
    }

    /** The message as a JSON tree. */
    public ObjectNode message(ChatDelivery delivery) {
        ObjectNode message = mapper.createObjectNode();
        message.put("text", fallback(delivery));
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject().put("type", "header")
                .putObject("text").put("type", "plain_text").put("text", title(delivery.status())).put("emoji", true);
        String question = SLACK.escape(delivery.question().strip());
        section(blocks, "*Question*\n" + ChatText.shorten(question.isEmpty() ? "_(none)_" : question, SECTION_LIMIT - 13));
        blocks.addObject().put("type", "divider");
        switch (delivery.status()) {
            case ANSWERED -> answer(blocks, delivery);
            case FAILED -> section(blocks, ChatText.shorten("The question could not be answered"
                    + (blank(delivery.errorMessage()) ? "." : ": " + SLACK.escape(delivery.errorMessage().strip())), SECTION_LIMIT));
            case CANCELLED -> section(blocks, "The question was cancelled; it will not be answered.");
        }
        context(blocks, delivery);
        return message;
    }

    /** A notice's JSON (a test message, an endpoint's pause or resume), as POSTed to the incoming webhook. */
    public String render(ChatNotice notice) {
        try {
            return mapper.writeValueAsString(message(notice));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Slack notice", e);
        }
    }

    /** A notice: a header (its title), a section (its text), a context block (its facts). */
    public ObjectNode message(ChatNotice notice) {
        ObjectNode message = mapper.createObjectNode();
        String title = ChatText.shorten(notice.title().strip(), HEADER_LIMIT);
        String text = SLACK.escape(notice.text().strip());
        message.put("text", ChatText.shorten(SLACK.escape(title) + (text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " ")),
                FALLBACK_LIMIT));
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject().put("type", "header")
                .putObject("text").put("type", "plain_text").put("text", title).put("emoji", false);
        if (!text.isEmpty()) {
            section(blocks, ChatText.shorten(text, SECTION_LIMIT));
        }
        if (!notice.facts().isEmpty()) {
            ArrayNode elements = blocks.addObject().put("type", "context").putArray("elements");
            notice.facts().entrySet().stream().limit(10).forEach(fact -> elements.addObject().put("type", "mrkdwn")
                    .put("text", ChatText.shorten("*" + SLACK.escape(fact.getKey()) + ":* " + SLACK.escape(fact.getValue()),
                            SECTION_LIMIT)));
        }
        return message;
    }

    private void answer(ArrayNode blocks, ChatDelivery delivery) {
        List<String> sections = pack(pieces(markdown.segments(delivery.answerMarkdown(), SLACK)));
        if (sections.isEmpty()) {
            sections = List.of("_The answer is empty._");
        }
        int room = MAX_BLOCKS - blocks.size() - 1; // the context block comes last
        if (sections.size() > room) {
            sections = new ArrayList<>(sections.subList(0, room - 1));
            sections.add("_The answer is longer than a Slack message holds; the whole answer is in the record of "
                    + SLACK.code(delivery.trackingId()) + "._");
        }
        sections.forEach(text -> section(blocks, text));
    }

    /** The answer's segments as pieces of at most one section each: prose cut where it may be, code as fenced blocks. */
    static List<String> pieces(List<ChatMarkdown.Segment> segments) {
        List<String> pieces = new ArrayList<>();
        for (ChatMarkdown.Segment segment : segments) {
            if (segment.preformatted()) {
                pieces.addAll(fenced(SLACK.escape(segment.text())));
            } else {
                pieces.addAll(ChatText.split(segment.text(), SECTION_LIMIT));
            }
        }
        return pieces;
    }

    /** Escaped code as fenced blocks of at most a section each, cut between lines (a longer line cut safely). */
    static List<String> fenced(String code) {
        int room = SECTION_LIMIT - 2 * FENCE.length() - 2;
        List<String> blocks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean started = false;
        for (String line : code.split("\n", -1)) {
            String rest = line;
            while (rest.length() > room) { // a line longer than a block: cut it where it does no harm
                flush(blocks, current);
                started = false;
                int cut = ChatText.safeHardCut(rest, room);
                blocks.add(FENCE + "\n" + rest.substring(0, cut) + "\n" + FENCE);
                rest = rest.substring(cut);
            }
            if (started && current.length() + 1 + rest.length() > room) {
                flush(blocks, current);
                started = false;
            }
            if (started) {
                current.append('\n');
            }
            current.append(rest);
            started = true;
        }
        flush(blocks, current);
        return blocks;
    }

    private static void flush(List<String> blocks, StringBuilder current) {
        if (!current.toString().isBlank()) {
            blocks.add(FENCE + "\n" + current.toString().stripTrailing() + "\n" + FENCE);
        }
        current.setLength(0);
    }

    /** Pieces joined by blank lines into as few sections as fit. */
    static List<String> pack(List<String> pieces) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String piece : pieces) {
            if (current.length() > 0 && current.length() + 2 + piece.length() > SECTION_LIMIT) {
                sections.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append("\n\n");
            }
            current.append(piece);
        }
        if (current.length() > 0) {
            sections.add(current.toString());
        }
        return sections;
    }

    private void context(ArrayNode blocks, ChatDelivery delivery) {
        ArrayNode elements = blocks.addObject().put("type", "context").putArray("elements");
        elements.addObject().put("type", "mrkdwn").put("text",
                ChatText.shorten("Tracking id: " + SLACK.code(delivery.trackingId()), SECTION_LIMIT));
        if (!delivery.source().isEmpty()) {
            elements.addObject().put("type", "mrkdwn").put("text",
                    ChatText.shorten("Source: " + SLACK.escape(delivery.source()), SECTION_LIMIT));
        }
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    private static String fallback(ChatDelivery delivery) {
        String question = delivery.question().strip().replaceAll("\\s+", " ");
        return ChatText.shorten(title(delivery.status()) + (question.isEmpty() ? "" : ": " + SLACK.escape(question)), FALLBACK_LIMIT);
    }

    static String title(ChatDelivery.Status status) {
        return "Question " + status.word();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Three backticks in a row would open or close a fence: a zero-width space goes between them (prose and code). */
    static String unfenceable(String code) {
        return code.replace("```", "`\u200B`\u200B`");
    }

    /** Slack's mrkdwn. */
    static final ChatMarkdown.Dialect SLACK = new ChatMarkdown.Dialect() {
        @Override
        public String escape(String text) {
            return unfenceable(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
        }

        @Override
        public String bold(String inner) {
            return "*" + inner + "*";
        }

        @Override
        public String italic(String inner) {
            return "_" + inner + "_";
        }

        @Override
        public String code(String literal) {
            // inline code cannot hold a backtick in mrkdwn: the modifier letter grave accent looks the same
            String text = escape(literal.replace('`', '\u02CB').replace('\n', ' '));
            return text.isBlank() ? text : "`" + text + "`";
        }

        @Override
        public String link(String url, String text) {
            String target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
                    .replace(" ", "%20");
            return "<" + target + "|" + text.replace('\n', ' ') + ">";
        }

        @Override
        public String quote(String prose) {
            return "> " + prose.replace("\n", "\n> ");
        }
    };
}
