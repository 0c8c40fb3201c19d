package gateway.local;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.local.ChatPreview.Block;
import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;

/**
 * A Slack incoming-webhook message ({@code {"text":…, "blocks":[…]}}) as it reads in Slack: the blocks in order
 * ({@code header}, {@code section} text and {@code fields}, {@code divider}, {@code context}, an {@code image}'s alt
 * text; another block type as a note), each {@code mrkdwn} text read as Slack reads it:
 * <ul>
 *   <li>{@code ```} fences → preformatted text;</li>
 *   <li>{@code *bold*}, {@code _italic_}, {@code ~strike~} (opened before a non-space, closed after one, not inside a
 *       word), {@code `code`} (its text literal);</li>
 *   <li>{@code <https://x|text>} → a link showing {@code text} (a link only to an http(s) URL; {@code <mailto:…|t>}
 *       shows {@code t}); {@code <!channel>}, {@code <@U123>}, {@code <#C1|general>} → the mention Slack would show
 *       ({@code @channel}, {@code @U123}, {@code #general}), marked {@link Mark#MENTION};</li>
 *   <li>lines starting with {@code > } → a quote;</li>
 *   <li>{@code &amp;}, {@code &lt;}, {@code &gt;} → {@code &}, {@code <}, {@code >} (after the marks are read, so an
 *       escaped {@code &lt;!channel&gt;} stays text).</li>
 * </ul>
 * The {@code text} field is the notification text (with blocks) or the message itself (without). Thread-safe.
 */
public final class SlackPreview {

    private static final Pattern FENCE = Pattern.compile("```(.*?)```", Pattern.DOTALL);

    private SlackPreview() {
    }

    /** The preview of a message; a body that is not a Slack message gives a preview saying so. */
    public static ChatPreview of(JsonNode message) {
        List<Block> blocks = new ArrayList<>();
        if (message == null || !message.isObject()) {
            blocks.add(note("Not a Slack message: the body is not a JSON object (Slack answers 400 invalid_payload)."));
            return new ChatPreview("Slack", null, blocks);
        }
        String text = textOf(message.get("text"));
        JsonNode list = message.get("blocks");
        if (list != null && list.isArray() && !list.isEmpty()) {
            list.forEach(block -> block(block, blocks));
            return new ChatPreview("Slack", text == null ? null : ChatPreview.plain(inline(text)), blocks);
        }
        if (text == null || text.isBlank()) {
            blocks.add(note("No text and no blocks (Slack answers 400 no_text)."));
        } else {
            mrkdwn(text, blocks, Set.of());
        }
        return new ChatPreview("Slack", null, blocks);
    }

    private static void block(JsonNode block, List<Block> out) {
        String type = textOf(block.get("type"));
        switch (type == null ? "" : type) {
            case "header" -> out.add(new ChatPreview.Text(textObject(block.get("text")), Look.STRONG, Look.LARGE));
            case "divider" -> out.add(new ChatPreview.Divider());
            case "section" -> {
                JsonNode text = block.get("text");
                if (text != null && text.isObject()) {
                    if ("mrkdwn".equals(textOf(text.get("type")))) {
                        mrkdwn(String.valueOf(textOf(text.get("text"))), out, Set.of());
                    } else {
                        out.add(new ChatPreview.Text(textObject(text)));
                    }
                }
                JsonNode fields = block.get("fields");
                if (fields != null && fields.isArray() && !fields.isEmpty()) {
                    List<List<Span>> cells = new ArrayList<>();
                    fields.forEach(field -> cells.add(textObject(field)));
                    out.add(new ChatPreview.Fields(cells));
                }
            }
            case "context" -> {
                List<Span> spans = new ArrayList<>();
                JsonNode elements = block.get("elements");
                if (elements != null && elements.isArray()) {
                    for (JsonNode element : elements) {
                        if (!spans.isEmpty()) {
                            spans.add(Span.plain("   ·   "));
                        }
                        if ("image".equals(textOf(element.get("type")))) {
                            spans.add(Span.plain("[image: " + String.valueOf(textOf(element.get("alt_text"))) + "]"));
                        } else {
                            spans.addAll(textObject(element));
                        }
                    }
                }
                out.add(new ChatPreview.Text(spans, Look.CONTEXT));
            }
            case "image" -> out.add(note("[image: " + String.valueOf(textOf(block.get("alt_text"))) + "]"));
            default -> out.add(note("(a " + (type == null ? "block with no type" : "'" + type + "' block")
                    + ", not shown here)"));
        }
    }

    /** A text object: {@code mrkdwn} read as Slack reads it (on one level: no fences), {@code plain_text} as it is. */
    private static List<Span> textObject(JsonNode text) {
        if (text == null || !text.isObject()) {
            return List.of();
        }
        String value = String.valueOf(textOf(text.get("text")));
        return "mrkdwn".equals(textOf(text.get("type"))) ? inline(value) : List.of(Span.plain(value));
    }

    /** A mrkdwn text as blocks: fenced parts preformatted, the rest in paragraphs (a run of quoted lines a quote). */
    static void mrkdwn(String text, List<Block> out, Set<Look> looks) {
        Matcher fence = FENCE.matcher(text);
        int at = 0;
        while (fence.find()) {
            prose(text.substring(at, fence.start()), out, looks);
            String code = fence.group(1);
            code = code.startsWith("\n") ? code.substring(1) : code;
            code = code.endsWith("\n") ? code.substring(0, code.length() - 1) : code;
            out.add(new ChatPreview.Preformatted(unescape(code)));
            at = fence.end();
        }
        prose(text.substring(at), out, looks);
    }

    private static void prose(String text, List<Block> out, Set<Look> looks) {
        for (String paragraph : text.split("\n\\s*\n")) {
            if (paragraph.isBlank()) {
                continue;
            }
            String[] lines = paragraph.strip().split("\n", -1);
            boolean quote = true;
            for (String line : lines) {
                quote &= line.startsWith("> ") || line.equals(">");
            }
            String body = paragraph.strip();
            EnumSet<Look> look = looks.isEmpty() ? EnumSet.noneOf(Look.class) : EnumSet.copyOf(looks);
            if (quote) {
                body = body.replaceAll("(?m)^> ?", "");
                look.add(Look.QUOTE);
            }
            out.add(new ChatPreview.Text(inline(body), look));
        }
    }

    /** Inline mrkdwn as spans (line breaks kept as {@code "\n"} in the text). */
    static List<Span> inline(String text) {
        List<Span> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.add(Span.plain("\n"));
            }
            spans(lines[i], EnumSet.noneOf(Mark.class), out);
        }
        return merge(out);
    }

    private static void spans(String s, EnumSet<Mark> marks, List<Span> out) {
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '<') {
                int end = s.indexOf('>', i + 1);
                int nextOpen = s.indexOf('<', i + 1);
                if (end > i + 1 && (nextOpen < 0 || nextOpen > end)) {
                    flush(plain, marks, out);
                    angle(s.substring(i + 1, end), marks, out);
                    i = end + 1;
                    continue;
                }
            } else if (c == '`') {
                int end = s.indexOf('`', i + 1);
                if (end > i + 1 && hasVisible(s.substring(i + 1, end))) {
                    flush(plain, marks, out);
                    EnumSet<Mark> code = EnumSet.copyOf(marks);
                    code.add(Mark.CODE);
                    out.add(new Span(unescape(s.substring(i + 1, end)), code, null));
                    i = end + 1;
                    continue;
                }
            } else if ((c == '*' || c == '_' || c == '~') && opens(s, i)) {
                int end = closer(s, i);
                if (end > 0) {
                    flush(plain, marks, out);
                    EnumSet<Mark> inner = EnumSet.copyOf(marks);
                    inner.add(c == '*' ? Mark.BOLD : c == '_' ? Mark.ITALIC : Mark.STRIKE);
                    spans(s.substring(i + 1, end), inner, out);
                    i = end + 1;
                    continue;
                }
            }
            plain.append(c);
            i++;
        }
        flush(plain, marks, out);
    }

    /** {@code <…>}: a link, a mention, or (another scheme) its label. */
    private static void angle(String token, EnumSet<Mark> marks, List<Span> out) {
        int bar = token.indexOf('|');
        String target = bar < 0 ? token : token.substring(0, bar);
        String label = bar < 0 ? null : token.substring(bar + 1);
        if (target.startsWith("!") || target.startsWith("@") || target.startsWith("#")) {
            EnumSet<Mark> mention = EnumSet.copyOf(marks);
            mention.add(Mark.MENTION);
            String shown;
            if (target.startsWith("#")) {
                shown = "#" + (label != null ? label : target.substring(1));
            } else if (label != null) {
                shown = label.startsWith("@") ? label : "@" + label;
            } else {
                String name = target.substring(1);
                int caret = name.indexOf('^');
                shown = "@" + (caret < 0 ? name : name.substring(0, caret));
            }
            out.add(new Span(unescape(shown), mention, null));
            return;
        }
        String url = unescape(target);
        String shown = unescape(label == null || label.isEmpty() ? target : label);
        out.add(new Span(shown, marks, ChatPreview.isWeb(url) ? url : null));
    }

    /** A mark opens at {@code i}: at the start or after a non-word character, and before a non-space. */
    private static boolean opens(String s, int i) {
        boolean before = i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1));
        return before && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1)) && s.charAt(i + 1) != s.charAt(i);
    }

    /** Where the mark opened at {@code i} closes: after a non-space, before the end or a non-word character; -1. */
    private static int closer(String s, int i) {
        char c = s.charAt(i);
        for (int j = i + 2; j < s.length(); j++) {
            if (s.charAt(j) == c && !Character.isWhitespace(s.charAt(j - 1))
                    && (j + 1 == s.length() || !Character.isLetterOrDigit(s.charAt(j + 1)))) {
                return j;
            }
        }
        return -1;
    }

    private static boolean hasVisible(String s) {
        return s.chars().anyMatch(ch -> !Character.isWhitespace(ch) && ch != '\u200B');
    }

    private static void flush(StringBuilder plain, EnumSet<Mark> marks, List<Span> out) {
        if (plain.length() > 0) {
            out.add(new Span(unescape(plain.toString()), marks, null));
            plain.setLength(0);
        }
    }

    /** Adjacent spans with the same marks and no link as one. */
    private static List<Span> merge(List<Span> spans) {
        List<Span> out = new ArrayList<>();
        for (Span span : spans) {
            Span last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.link() == null && span.link() == null && last.marks().equals(span.marks())) {
                out.set(out.size() - 1, new Span(last.text() + span.text(), last.marks(), null));
            } else {
                out.add(span);
            }
        }
        return out;
    }

    /** Slack's three entities, as text. */
    static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String textOf(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static ChatPreview.Text note(String text) {
        return new ChatPreview.Text(List.of(Span.plain(text)), Look.SUBTLE);
    }
}
