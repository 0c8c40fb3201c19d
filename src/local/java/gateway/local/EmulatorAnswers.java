package gateway.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's deterministic markdown answer and how it is cut into chunk events. The answer holds
 * what renderers must cope with: heading, bullets, bold, a link, a fenced code block, a GFM table,
 * snake_case words, {@code $1.2M * 2}, multi-byte characters, and an echo of the question.
 */
public final class EmulatorAnswers {

    public static final int MAX_ECHO_CODE_POINTS = 200;
    private static final String USER_REQUEST = "**USER REQUEST:**";

    private EmulatorAnswers() {
    }

    public static String markdown(String question, int minBytes) {
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
        long bytes = md.toString().getBytes(StandardCharsets.UTF_8).length;
        int filler = 0;
        while (bytes < minBytes) { // filler lines are ASCII: one byte per char
            String line = "\nFiller line " + (++filler) + " to make the answer longer for size tests.";
            md.append(line);
            bytes += line.length();
        }
        return md.toString();
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
