package gateway.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Cutting chat text to a tool's limits without cutting a word: at a blank line, else a line break, else a space; only a
 * single word longer than the limit is cut inside, and never inside an HTML entity ({@code &amp;}) or a surrogate pair.
 */
final class ChatText {

    private ChatText() {
    }

    /** {@code text} in pieces of at most {@code limit} characters, each non-blank, cut where {@link ChatText} says. */
    static List<String> split(String text, int limit) {
        List<String> pieces = new ArrayList<>();
        String rest = text.strip();
        while (rest.length() > limit) {
            int cut = cutPoint(rest, limit);
            String piece = rest.substring(0, cut).stripTrailing();
            if (!piece.isBlank()) {
                pieces.add(piece);
            }
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isBlank()) {
            pieces.add(rest);
        }
        return pieces;
    }

    /** Where to cut {@code text} so that the first part has at most {@code limit} characters (and at least one). */
    static int cutPoint(String text, int limit) {
        int blank = text.lastIndexOf("\n\n", limit - 1);
        if (blank > 0) {
            return blank;
        }
        int line = text.lastIndexOf('\n', limit - 1);
        if (line > 0) {
            return line;
        }
        int space = text.lastIndexOf(' ', limit);
        if (space > 0) {
            return space;
        }
        return safeHardCut(text, limit);
    }

    /** A cut at most {@code limit} that splits neither an entity such as {@code &amp;} nor a surrogate pair. */
    static int safeHardCut(String text, int limit) {
        int cut = Math.min(limit, text.length());
        int amp = text.lastIndexOf('&', cut - 1);
        if (amp >= 0 && cut - amp <= 8 && text.indexOf(';', amp) >= cut && text.indexOf(';', amp) - amp <= 8) {
            cut = amp;
        }
        if (cut > 0 && cut < text.length() && Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return Math.max(1, cut);
    }

    /** {@code text} cut to at most {@code limit} characters at a space, with an ellipsis when cut. */
    static String shorten(String text, int limit) {
        String t = text.strip();
        if (t.length() <= limit) {
            return t;
        }
        int space = t.lastIndexOf(' ', limit - 1);
        int cut = space > limit / 2 ? space : safeHardCut(t, limit - 1);
        return t.substring(0, cut).stripTrailing() + "…";
    }
}
