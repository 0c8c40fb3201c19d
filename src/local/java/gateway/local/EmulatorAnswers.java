package gateway.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The emulator's deterministic markdown answer and how it is cut into chunk events. The answer holds
 * what renderers must cope with: heading, bullets, bold, a link, a fenced code block, a GFM table,
 * snake_case words, {@code $1.2M * 2}, multi-byte characters, and an echo of the question; it ends with the
 * session's turn and the call's session attributes ({@link #sessionLines}).
 */
public final class EmulatorAnswers {

    public static final int MAX_ECHO_CODE_POINTS = 200;
    private static final String USER_REQUEST = "**USER REQUEST:**";

    private EmulatorAnswers() {
    }

    /** The answer to a session's first question without attributes (what a question of its own gets). */
    public static String markdown(String question, int minBytes) {
        return markdown(question, minBytes, 1, Map.of(), Map.of());
    }

    /**
     * The answer, at least {@code minBytes} UTF-8 bytes, ending with its session lines ({@link #sessionLines}):
     * filler (for size tests) goes before them.
     */
    public static String markdown(String question, int minBytes, int turn, Map<String, String> sessionAttributes,
                                  Map<String, String> promptSessionAttributes) {
        String echo = echo(question);
        StringBuilder md = new StringBuilder()
                .append("# Pipeline answer\n\n")
                .append("You asked: \"").append(echo).append("\"\n\n")
                .append("Here is what I found for **this quarter**:\n\n")
                .append("- deal_stage: **Negotiation** for 3 deals\n")
                .append("- close_date: 2025-12-31 at the latest\n")
                .append("- Forecast: $1.2M * 2 = $2.4M (≈ 2.2M €)\n")
                .append("- Owner: Jürgen Müller 😀\n\n")
                .append("See [the pipeline report](https://example.com/reports/pipeline) for details.\n\n")
                .append("```sql\nSELECT deal_stage, close_date FROM deals WHERE amount > 1000000;\n```\n\n")
                .append("| deal_stage | close_date | amount |\n")
                .append("|---|---|---|\n")
                .append("| Negotiation | 2025-12-31 | $1.2M |\n")
                .append("| Proposal | 2026-01-15 | $800K |\n");
        String tail = "\n" + sessionLines(turn, sessionAttributes, promptSessionAttributes);
        long bytes = md.toString().getBytes(StandardCharsets.UTF_8).length + tail.getBytes(StandardCharsets.UTF_8).length;
        int filler = 0;
        while (bytes < minBytes) { // filler lines are ASCII: one byte per char
            String line = "\nFiller line " + (++filler) + " to make the answer longer for size tests.";
            md.append(line);
            bytes += line.length();
        }
        if (filler > 0) {
            md.append('\n');
        }
        return md.append(tail).toString();
    }

    /**
     * The lines that end every answer: {@code Session turn: N} (the answered questions of its session, this one
     * included) and, when the call's sessionState had them, {@code Session attributes: k=v, ...} (sessionAttributes)
     * and {@code Prompt session attributes: k=v, ...} (promptSessionAttributes), each sorted by key; a line break
     * inside a key or value shows as a space, so each stays one line.
     */
    public static String sessionLines(int turn, Map<String, String> sessionAttributes, Map<String, String> promptSessionAttributes) {
        StringBuilder lines = new StringBuilder("Session turn: ").append(turn);
        if (sessionAttributes != null && !sessionAttributes.isEmpty()) {
            lines.append("\nSession attributes: ").append(joined(sessionAttributes));
        }
        if (promptSessionAttributes != null && !promptSessionAttributes.isEmpty()) {
            lines.append("\nPrompt session attributes: ").append(joined(promptSessionAttributes));
        }
        return lines.append('\n').toString();
    }

    private static String joined(Map<String, String> attributes) {
        StringJoiner joined = new StringJoiner(", ");
        new TreeMap<>(attributes).forEach((k, v) -> joined.add(oneLine(k) + "=" + oneLine(v)));
        return joined.toString();
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\R", " ");
    }

    /** The user's request (after the prompt's date block), without directives, one line, at most 200 code points. */
    public static String echo(String question) {
        String q = question == null ? "" : question;
        int marker = q.indexOf(USER_REQUEST);
        if (marker >= 0) {
            q = q.substring(marker + USER_REQUEST.length());
        }
        q = EmulatorDirectives.strip(q).replaceAll("\\s+", " ").strip();
        if (q.codePointCount(0, q.length()) > MAX_ECHO_CODE_POINTS) {
            q = q.substring(0, q.offsetByCodePoints(0, MAX_ECHO_CODE_POINTS)) + "...";
        }
        return q;
    }

    /**
     * Cuts the UTF-8 bytes into chunks of about {@code chunkSize} bytes. Normally cuts fall on
     * character boundaries; with {@code splitMultiByte} every multi-byte character is cut in two.
     */
    public static List<byte[]> chunks(byte[] bytes, int chunkSize, boolean splitMultiByte) {
        List<byte[]> chunks = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = Math.min(bytes.length, start + chunkSize);
            if (splitMultiByte) {
                for (int i = start; i < end; i++) {
                    if ((bytes[i] & 0xC0) == 0xC0 && i + 1 < bytes.length) { // lead byte of a multi-byte char
                        end = i + 1;
                        break;
                    }
                }
            } else {
                int cut = end;
                while (cut < bytes.length && cut > start && (bytes[cut] & 0xC0) == 0x80) {
                    cut--; // do not end inside a character
                }
                if (cut == start) { // one character longer than chunkSize: take it whole
                    cut = end;
                    while (cut < bytes.length && (bytes[cut] & 0xC0) == 0x80) {
                        cut++;
                    }
                }
                end = cut;
            }
            byte[] chunk = new byte[end - start];
            System.arraycopy(bytes, start, chunk, 0, chunk.length);
            chunks.add(chunk);
            start = end;
        }
        return chunks;
    }
}
