package gateway.endpoints;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import gateway.delivery.DeliveryTarget;

/**
 * A receiver whose health the gateway keeps: {@code WEBHOOK_URL} ({@link #DEFAULT}), one of a caller's endpoints in
 * {@code CALLERS_FILE} (by its name), or the callback URLs of a caller that share a scheme, host and port (named
 * {@code callback:<scheme>:<host>:<port>}). Every delivery to it shares its health, its pause and its parked lane.
 *
 * @param caller the caller's name; null for {@code WEBHOOK_URL}
 * @param name   the endpoint's name ({@code default}, a webhook's name, or {@code callback:...})
 */
public record EndpointRef(String caller, String name) {

    public static final EndpointRef DEFAULT = new EndpointRef(null, DeliveryTarget.DEFAULT);
    static final String CALLBACK_PREFIX = DeliveryTarget.CALLBACK + ":";

    /** The endpoint a delivery goes to. */
    public static EndpointRef of(DeliveryTarget target) {
        return switch (target.kind()) {
            case DEFAULT -> DEFAULT;
            case ENDPOINT -> new EndpointRef(target.caller(), target.endpoint());
            case CALLBACK -> new EndpointRef(target.caller(), callbackName(target.url()));
        };
    }

    /** {@code callback:<scheme>:<host>:<port>} of a callback URL (the port its scheme's default when absent). */
    public static String callbackName(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "https" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : "http".equals(scheme) ? 80 : 443;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return CALLBACK_PREFIX + scheme + ":" + host + ":" + port;
    }

    /** Whether this is a caller's callback URLs (by scheme, host and port) rather than a named endpoint. */
    public boolean isCallback() {
        return name.startsWith(CALLBACK_PREFIX);
    }

    /** {@code default}, or {@code <caller>/<name>}: in logs, events and the API. Never a URL's path or query. */
    public String label() {
        return caller == null ? name : caller + "/" + name;
    }

    /** The caller label of metrics ({@code default} for {@code WEBHOOK_URL}). */
    public String callerLabel() {
        return caller == null ? DeliveryTarget.DEFAULT : caller;
    }

    /** One segment of an S3 key: the label, URL-encoded (no {@code /} in it). */
    public String key() {
        return URLEncoder.encode(label(), StandardCharsets.UTF_8);
    }

    /** The key prefix of every endpoint of {@code caller} ({@link #key()} starts with it). */
    public static String callerKeyPrefix(String caller) {
        return URLEncoder.encode(caller + "/", StandardCharsets.UTF_8);
    }

    /** The endpoint of a key segment ({@link #key()}); empty for anything else. */
    public static Optional<EndpointRef> fromKey(String key) {
        String label;
        try {
            label = URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (label.equals(DEFAULT.name)) {
            return Optional.of(DEFAULT);
        }
        int slash = label.indexOf('/');
        if (slash <= 0 || slash == label.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new EndpointRef(label.substring(0, slash), label.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return label();
    }
}
