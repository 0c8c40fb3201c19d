package gateway.callers;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of a caller's {@code callback_urls}: the per-request {@code callback_url}s it allows.
 *
 * <p>{@code scheme://host[:port]/path}: the scheme and the port are exact (a port not written is the scheme's
 * default); the host is exact (any case), {@code *} (any host) or {@code *.domain} (any subdomain at any depth, not
 * the bare domain); the path is exact, or a prefix when it ends in {@code *}. A pattern has no query, fragment or
 * user info.
 *
 * <p>A URL matches only in its plain form: absolute, with a host, without user info or fragment, with a path of
 * printable ASCII that has no {@code .} or {@code ..} segment (also not as {@code ..;}) and whose percent-encodings
 * decode, once, to UTF-8 text with no {@code .}, {@code /}, {@code \}, {@code ;}, {@code %} or control character. A
 * receiver (or a proxy before it) may decode or normalise those, once or more, so an allowed prefix could be left
 * ({@code /hooks/..%2fadmin}, {@code /hooks/%252e%252e/admin}, the overlong {@code /hooks/%c0%ae%c0%ae/admin}); such
 * URLs never match. The URL's query is allowed and not compared. The gateway then sends the URL exactly as it matched
 * (see {@code gateway.delivery.OutboundWebhook}).
 */
public final class CallbackPattern {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final String text;
    private final String scheme;
    private final String exactHost; // null: any host, or a subdomain of suffix
    private final String suffix;   // ".domain" for *.domain, else null
    private final int port;
    private final String path;
    private final boolean prefix;

    private CallbackPattern(String text, String scheme, String exactHost, String suffix, int port, String path, boolean prefix) {
        this.text = text;
        this.scheme = scheme;
        this.exactHost = exactHost;
        this.suffix = suffix;
        this.port = port;
        this.path = path;
        this.prefix = prefix;
    }

    /**
     * Parses a pattern; {@link IllegalArgumentException} with a message that says what is wrong (without quoting the
     * pattern, so the caller of this method decides what to show).
     *
     * @param httpAllowed whether {@code http} patterns are allowed (otherwise only {@code https})
     */
    public static CallbackPattern parse(String pattern, boolean httpAllowed) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("must be a URL pattern such as https://*.example.com/hooks/*");
        }
        String text = pattern.strip();
        if (text.chars().anyMatch(c -> c <= ' ' || c >= 0x7F)) {
            throw new IllegalArgumentException("must contain no spaces, control or non-ASCII characters");
        }
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("must be an absolute URL pattern (https://host/path)");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(httpAllowed && scheme.equals("http"))) {
            throw new IllegalArgumentException(httpAllowed ? "must be an http or https URL pattern"
                    : "must be an https URL pattern (http needs ALLOW_INSECURE_WEBHOOK_URL=true)");
        }
        if (text.indexOf('?') >= 0 || text.indexOf('#') >= 0) {
            throw new IllegalArgumentException("must have no query or fragment");
        }
        String rest = text.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        if (authority.indexOf('@') >= 0) {
            throw new IllegalArgumentException("must have no user info");
        }
        String hostPart = authority;
        int port = defaultPort(scheme);
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']', colon) < 0) {
            String digits = authority.substring(colon + 1);
            hostPart = authority.substring(0, colon);
            if (!digits.matches("[0-9]{1,5}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
                throw new IllegalArgumentException("has a port that is not 1-65535");
            }
            port = Integer.parseInt(digits);
        }
        String host = hostPart.toLowerCase(Locale.ROOT);
        String exact = null;
        String suffix = null;
        if (host.equals("*")) {
            // any host
        } else if (host.startsWith("*.")) {
            String domain = host.substring(2);
            if (!isHostName(domain) || !hasLetter(lastLabel(domain))) {
                throw new IllegalArgumentException("has a host that is not *, *.domain or a host name");
            }
            suffix = "." + domain;
        } else if (isHostName(host) || isIpLiteral(host)) {
            exact = host;
        } else {
            throw new IllegalArgumentException(host.indexOf('*') >= 0
                    ? "may have '*' only as the whole host or as its first label (*.domain)"
                    : "has a host that is not *, *.domain or a host name");
        }
        boolean prefix = path.endsWith("*");
        String fixed = prefix ? path.substring(0, path.length() - 1) : path;
        if (fixed.indexOf('*') >= 0) {
            throw new IllegalArgumentException("may have '*' in the path only at its end");
        }
        if (!isPlainPath(fixed)) {
            throw new IllegalArgumentException("has a path with '.' or '..' segments or an encoded '.', '/' or '\\'");
        }
        return new CallbackPattern(text, scheme, exact, suffix, port, fixed, prefix);
    }

    /** Whether {@code url} is allowed by this pattern (see the class comment for the URLs that never match). */
    public boolean matches(URI url) {
        if (url == null || !url.isAbsolute() || url.isOpaque() || url.getScheme() == null) {
            return false;
        }
        String urlScheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!urlScheme.equals(scheme) || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            return false;
        }
        String urlHost = url.getHost();
        if (urlHost == null || urlHost.isEmpty()) {
            return false; // also a registry-based authority that java.net.URI could not read as host[:port]
        }
        int urlPort = url.getPort() < 0 ? defaultPort(urlScheme) : url.getPort();
        if (urlPort != port || !hostMatches(urlHost.toLowerCase(Locale.ROOT))) {
            return false;
        }
        String urlPath = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (!isPlainPath(urlPath)) {
            return false;
        }
        return prefix ? urlPath.startsWith(path) : urlPath.equals(path);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CallbackPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    private boolean hostMatches(String urlHost) {
        if (exactHost != null) {
            return urlHost.equals(exactHost);
        }
        if (suffix != null) {
            return urlHost.length() > suffix.length() && urlHost.endsWith(suffix) && !isIpLiteral(urlHost);
        }
        return true;
    }

    /**
     * No {@code .}/{@code ..} segment (also with {@code ;params}), printable ASCII, and percent-encodings that decode to
     * UTF-8 with none of {@code . / \ ; %} and no control character.
     */
    static boolean isPlainPath(String rawPath) {
        if (!rawPath.startsWith("/") || rawPath.chars().anyMatch(c -> c <= ' ' || c >= 0x7F || c == '\\')) {
            return false;
        }
        if (!encodedCharactersArePlain(rawPath)) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            if (name.equals(".") || name.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every run of percent-encoded bytes in {@code rawPath} is well-formed ({@code %} and two hex digits) and
     * decodes to UTF-8 (a strict decoder: overlong forms such as {@code %c0%ae} are malformed) with no character a
     * later decoding or a path normalisation could turn into a separator: {@code . / \ ;}, {@code %} itself (a second
     * decoding) or a control character.
     */
    private static boolean encodedCharactersArePlain(String rawPath) {
        int i = 0;
        while (i < rawPath.length()) {
            if (rawPath.charAt(i) != '%') {
                i++;
                continue;
            }
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            while (i < rawPath.length() && rawPath.charAt(i) == '%') {
                if (i + 2 >= rawPath.length()) {
                    return false;
                }
                int high = Character.digit(rawPath.charAt(i + 1), 16);
                int low = Character.digit(rawPath.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return false;
                }
                run.write(high << 4 | low);
                i += 3;
            }
            String decoded;
            try {
                decoded = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(run.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                return false;
            }
            if (decoded.chars().anyMatch(c -> Character.isISOControl(c) || "./\\;%".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    static int defaultPort(String scheme) {
        return scheme.equals("http") ? 80 : 443;
    }

    private static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("\\[[0-9a-f:.]+]") || host.matches("[0-9.]+");
    }

    private static String lastLabel(String domain) {
        return domain.substring(domain.lastIndexOf('.') + 1);
    }

    private static boolean hasLetter(String label) {
        return label.chars().anyMatch(Character::isLetter);
    }
}
