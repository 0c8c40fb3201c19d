package gateway.local;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A chat message (a Slack message, a Teams card) as it reads in the chat tool: blocks of text with their marks
 * already applied, no markup left. Built by {@link SlackPreview} and {@link TeamsPreview}, written as HTML by
 * {@link PreviewHtml}. Every text here is the message's, so untrusted: it is kept as text, and a link is kept only when
 * its target is an {@code http(s)} URL.
 *
 * @param tool     {@code Slack} or {@code Teams}
 * @param fallback the notification text (Slack's {@code text}, the card's {@code fallbackText}); null when none
 * @param blocks   the message's blocks, in order
 */
public record ChatPreview(String tool, String fallback, List<Block> blocks) {

    private static final Pattern TRACKING_ID = Pattern.compile("Tracking id: (\\S+)");

    public ChatPreview {
        blocks = List.copyOf(blocks);
    }

    /** A mark on a run of text. {@link #MENTION}: a channel or user mention, as the chat tool would show it. */
    public enum Mark {
        BOLD, ITALIC, STRIKE, CODE, MENTION
    }

    /** How a whole text block looks: Slack's header, Teams' weight, size, subtlety and colour, a quote, a context line. */
    public enum Look {
        STRONG, LARGE, SUBTLE, ATTENTION, QUOTE, CONTEXT
    }

    /** A run of text with its marks; {@code link} is an http(s) URL or null. */
    public record Span(String text, Set<Mark> marks, String link) {
        public Span {
            text = text == null ? "" : text;
            marks = marks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(marks));
            link = link != null && isWeb(link) ? link : null;
        }

        public static Span plain(String text) {
            return new Span(text, Set.of(), null);
        }

        public boolean has(Mark mark) {
            return marks.contains(mark);
        }
    }

    /** One block of the message. */
    public sealed interface Block permits Text, Preformatted, Divider, Facts, Fields {
        /** The block's text as it reads, marks dropped. */
        String plainText();
    }

    /** Text (one or more lines: a {@code "\n"} in a span is a line break) with a look. */
    public record Text(List<Span> spans, Set<Look> looks) implements Block {
        public Text {
            spans = List.copyOf(spans);
            looks = looks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(looks));
        }

        public Text(List<Span> spans, Look... looks) {
            this(spans, looks.length == 0 ? Set.of() : EnumSet.copyOf(List.of(looks)));
        }

        public boolean has(Look look) {
            return looks.contains(look);
        }

        @Override
        public String plainText() {
            return ChatPreview.plain(spans);
        }
    }

    /** Preformatted text (a Slack code fence, a Teams monospace TextBlock), shown as it is. */
    public record Preformatted(String text) implements Block {
        @Override
        public String plainText() {
            return text;
        }
    }

    /** A rule between blocks (Slack's divider, a Teams separator). */
    public record Divider() implements Block {
        @Override
        public String plainText() {
            return "---";
        }
    }

    /** A title and a value (a Teams FactSet row). */
    public record Fact(List<Span> title, List<Span> value) {
        public Fact {
            title = List.copyOf(title);
            value = List.copyOf(value);
        }
    }

    /** A table of facts (Teams' FactSet). */
    public record Facts(List<Fact> facts) implements Block {
        public Facts {
            facts = List.copyOf(facts);
        }

        @Override
        public String plainText() {
            return facts.stream().map(f -> plain(f.title()) + ": " + plain(f.value())).collect(Collectors.joining("\n"));
        }
    }

    /** Texts side by side, two to a row (a Slack section's {@code fields}). */
    public record Fields(List<List<Span>> cells) implements Block {
        public Fields {
            cells = cells.stream().map(List::copyOf).toList();
        }

        @Override
        public String plainText() {
            return cells.stream().map(ChatPreview::plain).collect(Collectors.joining("\n"));
        }
    }

    /** The message as it reads, marks dropped: each block on its own line(s). */
    public String plainText() {
        return blocks.stream().map(Block::plainText).collect(Collectors.joining("\n"));
    }

    /**
     * The tracking id the message names: a Teams card's {@code Tracking id} fact, a Slack message's context line
     * ({@code Tracking id: …}); null when it names none.
     */
    public String trackingId() {
        for (Block block : blocks) {
            if (block instanceof Facts facts) {
                for (Fact fact : facts.facts()) {
                    if (plain(fact.title()).strip().equalsIgnoreCase("Tracking id")) {
                        return plain(fact.value()).strip();
                    }
                }
            } else if (block instanceof Text text && text.has(Look.CONTEXT)) {
                Matcher id = TRACKING_ID.matcher(text.plainText());
                if (id.find()) {
                    return id.group(1);
                }
            }
        }
        return null;
    }

    /** The spans' texts joined. */
    public static String plain(List<Span> spans) {
        StringBuilder out = new StringBuilder();
        spans.forEach(s -> out.append(s.text()));
        return out.toString();
    }

    /** Every span of every block (texts, facts, fields), in order: for looking up how a piece of text is marked. */
    public List<Span> spans() {
        List<Span> all = new ArrayList<>();
        for (Block block : blocks) {
            if (block instanceof Text text) {
                all.addAll(text.spans());
            } else if (block instanceof Facts facts) {
                facts.facts().forEach(f -> {
                    all.addAll(f.title());
                    all.addAll(f.value());
                });
            } else if (block instanceof Fields fields) {
                fields.cells().forEach(all::addAll);
            }
        }
        return all;
    }

    /** Whether {@code url} is an absolute http or https URL (the only links a preview keeps). */
    public static boolean isWeb(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        return (u.startsWith("https://") || u.startsWith("http://")) && u.length() > u.indexOf("//") + 2
                && u.chars().noneMatch(c -> c <= ' ' || c == 0x7F);
    }
}
