package gateway.local;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.local.ChatPreview.Block;
import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;

/**
 * A Teams workflow message ({@code {"type":"message","attachments":[{"contentType":
 * "application/vnd.microsoft.card.adaptive","content":<card>}]}}, or a bare card) as it reads in Teams: the card's
 * body in order, a {@code separator} as a rule:
 * <ul>
 *   <li>{@code TextBlock}: its markdown subset read ({@code **bold**}, {@code _italic_} / {@code *italic*},
 *       {@code - } and {@code * } bullets shown as {@code •}, numbered lines kept, {@code [text](url)} a link only to an
 *       http(s) URL, otherwise its text; {@code \*} and the other backslash escapes as the character); its
 *       {@code weight: bolder}, {@code size} (medium and larger), {@code isSubtle} and {@code color: attention} as the
 *       block's look; {@code fontType: monospace} as preformatted text;</li>
 *   <li>{@code FactSet}: a table of titles and values (each read as markdown);</li>
 *   <li>{@code Container} and {@code ColumnSet}: their items, in order; {@code Image}: its alt text; another element:
 *       a note.</li>
 * </ul>
 * The card's {@code fallbackText} is the notification text. Thread-safe.
 */
public final class TeamsPreview {

    static final String ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

    private TeamsPreview() {
    }

    /** The preview of a message; a body that is not a Teams card message gives a preview saying so. */
    public static ChatPreview of(JsonNode message) {
        List<Block> blocks = new ArrayList<>();
        if (message == null || !message.isObject()) {
            blocks.add(note("Not a Teams message: the body is not a JSON object."));
            return new ChatPreview("Teams", null, blocks);
        }
        List<JsonNode> cards = new ArrayList<>();
        if ("AdaptiveCard".equals(textOf(message.get("type")))) {
            cards.add(message);
        } else if (message.path("attachments").isArray()) {
            for (JsonNode attachment : message.get("attachments")) {
                if (ADAPTIVE_CARD.equals(textOf(attachment.get("contentType"))) && attachment.path("content").isObject()) {
                    cards.add(attachment.get("content"));
                } else {
                    blocks.add(note("(an attachment that is not an Adaptive Card, not shown here)"));
                }
            }
        }
        if (cards.isEmpty() && blocks.isEmpty()) {
            blocks.add(note("Not a Teams message: no Adaptive Card attachment."));
        }
        String fallback = null;
        for (JsonNode card : cards) {
            if (!blocks.isEmpty()) {
                blocks.add(new ChatPreview.Divider());
            }
            if (!"AdaptiveCard".equals(textOf(card.get("type")))) {
                blocks.add(note("(an attachment whose content is not of type AdaptiveCard)"));
                continue;
            }
            fallback = fallback != null ? fallback : textOf(card.get("fallbackText"));
            elements(card.get("body"), blocks);
            JsonNode actions = card.get("actions");
            if (actions != null && actions.isArray() && !actions.isEmpty()) {
                blocks.add(note("(" + actions.size() + " action(s), not shown here)"));
            }
        }
        return new ChatPreview("Teams", fallback, blocks);
    }

    private static void elements(JsonNode list, List<Block> out) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode element : list) {
            if (element.path("separator").asBoolean(false) && !out.isEmpty()) {
                out.add(new ChatPreview.Divider());
            }
            element(element, out);
        }
    }

    private static void element(JsonNode element, List<Block> out) {
        String type = textOf(element.get("type"));
        switch (type == null ? "" : type) {
            case "TextBlock" -> textBlock(element, out);
            case "FactSet" -> {
                List<ChatPreview.Fact> facts = new ArrayList<>();
                element.path("facts").forEach(fact -> facts.add(new ChatPreview.Fact(
                        inline(String.valueOf(textOf(fact.get("title")))), inline(String.valueOf(textOf(fact.get("value")))))));
                out.add(new ChatPreview.Facts(facts));
            }
            case "Container" -> elements(element.get("items"), out);
            case "ColumnSet" -> element.path("columns").forEach(column -> elements(column.get("items"), out));
            case "Image" -> out.add(note("[image: " + String.valueOf(textOf(element.get("altText"))) + "]"));
            default -> out.add(note("(a " + (type == null ? "element with no type" : "'" + type + "' element")
                    + ", not shown here)"));
        }
    }

    private static void textBlock(JsonNode block, List<Block> out) {
        String text = String.valueOf(textOf(block.get("text")));
        if ("monospace".equals(lower(block.get("fontType")))) {
            out.add(new ChatPreview.Preformatted(ChatPreview.plain(inline(text))));
            return;
        }
        EnumSet<Look> looks = EnumSet.noneOf(Look.class);
        if ("bolder".equals(lower(block.get("weight")))) {
            looks.add(Look.STRONG);
        }
        String size = lower(block.get("size"));
        if (size != null && (size.equals("medium") || size.equals("large") || size.equals("extralarge"))) {
            looks.add(Look.LARGE);
        }
        if (block.path("isSubtle").asBoolean(false)) {
            looks.add(Look.SUBTLE);
        }
        if ("attention".equals(lower(block.get("color")))) {
            looks.add(Look.ATTENTION);
        }
        out.add(new ChatPreview.Text(inline(text), looks));
    }

    /** A TextBlock's markdown as spans: line by line (bullets shown as {@code •}), line breaks kept. */
    static List<Span> inline(String text) {
        List<Span> out = new ArrayList<>();
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.add(Span.plain("\n"));
            }
            String line = lines[i];
            if (line.startsWith("- ") || line.startsWith("* ")) {
                out.add(Span.plain("• "));
                line = line.substring(2);
            }
            spans(line, EnumSet.noneOf(Mark.class), null, out);
        }
        return merge(out);
    }

    private static void spans(String s, EnumSet<Mark> marks, String link, List<Span> out) {
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && isPunctuation(s.charAt(i + 1))) {
                plain.append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '*' && s.startsWith("**", i) && i + 2 < s.length() && !Character.isWhitespace(s.charAt(i + 2))) {
                int end = closeBold(s, i + 2);
                if (end > 0) {
                    flush(plain, marks, link, out);
                    spans(s.substring(i + 2, end), with(marks, Mark.BOLD), link, out);
                    i = end + 2;
                    continue;
                }
            } else if ((c == '_' || c == '*') && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1))
                    && (c == '*' || i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)))) {
                int end = closeItalic(s, i + 1, c);
                if (end > 0) {
                    flush(plain, marks, link, out);
                    spans(s.substring(i + 1, end), with(marks, Mark.ITALIC), link, out);
                    i = end + 1;
                    continue;
                }
            } else if (c == '[' && link == null) {
                int close = unescaped(s, ']', i + 1);
                int end = close > 0 && s.startsWith("(", close + 1) ? s.indexOf(')', close + 2) : -1;
                if (end > 0) {
                    flush(plain, marks, link, out);
                    String url = s.substring(close + 2, end).strip();
                    // a link only to an http(s) URL; otherwise its text alone
                    spans(s.substring(i + 1, close), marks, ChatPreview.isWeb(url) ? url : null, out);
                    i = end + 1;
                    continue;
                }
            }
            plain.append(c);
            i++;
        }
        flush(plain, marks, link, out);
    }

    private static int closeBold(String s, int from) {
        for (int j = from + 1; j + 1 < s.length(); j++) {
            if (s.startsWith("**", j) && !escaped(s, j) && !Character.isWhitespace(s.charAt(j - 1))) {
                return j;
            }
        }
        return -1;
    }

    private static int closeItalic(String s, int from, char mark) {
        for (int j = from + 1; j < s.length(); j++) {
            if (s.charAt(j) == mark && !escaped(s, j) && !Character.isWhitespace(s.charAt(j - 1))
                    && (mark == '*' || j + 1 == s.length() || !Character.isLetterOrDigit(s.charAt(j + 1)))) {
                return j;
            }
        }
        return -1;
    }

    private static int unescaped(String s, char wanted, int from) {
        for (int j = from; j < s.length(); j++) {
            if (s.charAt(j) == wanted && !escaped(s, j)) {
                return j;
            }
        }
        return -1;
    }

    /** Whether the character at {@code j} follows an odd number of backslashes. */
    private static boolean escaped(String s, int j) {
        int backslashes = 0;
        for (int k = j - 1; k >= 0 && s.charAt(k) == '\\'; k--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static boolean isPunctuation(char c) {
        return c < 128 && !Character.isLetterOrDigit(c) && !Character.isWhitespace(c) && !Character.isISOControl(c);
    }

    private static EnumSet<Mark> with(EnumSet<Mark> marks, Mark mark) {
        EnumSet<Mark> more = EnumSet.copyOf(marks);
        more.add(mark);
        return more;
    }

    private static void flush(StringBuilder plain, EnumSet<Mark> marks, String link, List<Span> out) {
        if (plain.length() > 0) {
            out.add(new Span(plain.toString(), marks, link));
            plain.setLength(0);
        }
    }

    private static List<Span> merge(List<Span> spans) {
        List<Span> out = new ArrayList<>();
        for (Span span : spans) {
            Span last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && java.util.Objects.equals(last.link(), span.link()) && last.marks().equals(span.marks())) {
                out.set(out.size() - 1, new Span(last.text() + span.text(), last.marks(), last.link()));
            } else {
                out.add(span);
            }
        }
        return out;
    }

    private static String lower(JsonNode node) {
        String text = textOf(node);
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static String textOf(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static ChatPreview.Text note(String text) {
        return new ChatPreview.Text(List.of(Span.plain(text)), Look.SUBTLE);
    }
}
