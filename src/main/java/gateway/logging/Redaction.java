package gateway.logging;

import java.util.regex.Pattern;

/**
 * Takes out of a text what must never be written down: the query of any URL ({@code ?code=}, {@code ?sig=},
 * {@code ?token=}), the user info of any URL, {@code Bearer} tokens, Standard Webhooks secrets ({@code whsec_...}) and
 * {@code X-API-Key}/{@code Authorization} values. Used for every log line ({@link RedactSecrets}), dead-letter reasons
 * and the receiver excerpts of the attempt log. What stays (scheme, host, port, path) is what an operator needs to
 * tell one receiver from another.
 */
public final class Redaction {

    /** What replaces a removed value. */
    public static final String MASK = "***";

    private static final Pattern URL_QUERY = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s?#\"'<>]*)\\?[^\\s#\"'<>]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)[^\\s/?#@\"'<>]+@");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern WEBHOOK_SECRET = Pattern.compile("\\bwhsec_[A-Za-z0-9+/=]+");
    private static final Pattern KEY_HEADER = Pattern.compile("(?i)\\b(x-api-key|authorization)(\\s*[:=]\\s*)(?!\\*\\*\\*)[^\\s,;&\"'}]+");

    private Redaction() {
    }

    /** {@code text} without secrets (the same instance when there was nothing to take out); null stays null. */
    public static String redact(String text) {
        if (text == null || !mayHoldSecret(text)) {
            return text;
        }
        String out = URL_QUERY.matcher(text).replaceAll("$1?" + MASK);
        out = URL_USER_INFO.matcher(out).replaceAll("$1" + MASK + "@");
        out = BEARER.matcher(out).replaceAll("$1 " + MASK);
        out = WEBHOOK_SECRET.matcher(out).replaceAll("whsec_" + MASK);
        out = KEY_HEADER.matcher(out).replaceAll("$1$2" + MASK);
        return out.equals(text) ? text : out;
    }

    /** A cheap first look: most log lines hold none of the markers, and skip the patterns. */
    private static boolean mayHoldSecret(String text) {
        return text.contains("://") || text.contains("whsec_") || indexOfIgnoreCase(text, "bearer") >= 0
                || indexOfIgnoreCase(text, "api-key") >= 0 || indexOfIgnoreCase(text, "authorization") >= 0;
    }

    private static int indexOfIgnoreCase(String text, String word) {
        int max = text.length() - word.length();
        for (int i = 0; i <= max; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return i;
            }
        }
        return -1;
    }
}
