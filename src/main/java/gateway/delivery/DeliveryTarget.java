package gateway.delivery;

import java.net.URI;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * One receiver of a request's result, chosen when the result is ready: the original's single {@code WEBHOOK_URL}
 * ({@link Kind#DEFAULT}), one of the caller's endpoints in {@code CALLERS_FILE} ({@link Kind#ENDPOINT}, looked up by
 * name when it is delivered, so a rotated secret or changed header applies to the next attempt), or the request's
 * own {@code callback_url} ({@link Kind#CALLBACK}). Each target is a delivery of its own: its own {@code webhook-id}
 * (stable across its retries and resends), its own message on the deliveries queue, its own DLQ entry.
 *
 * <p>{@code url} is where it went when it was chosen (for the status view, shown without query and user info:
 * {@link #shownUrl()}); for a callback it is also where it goes. Never a secret.
 */
public record DeliveryTarget(Kind kind, String caller, String endpoint, String url, String webhookId) {

    public enum Kind {
        DEFAULT, ENDPOINT, CALLBACK;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The name of a callback target's endpoint (in labels and webhook ids). */
    public static final String CALLBACK = "callback";
    /** The name of the default target ({@code WEBHOOK_URL}) in labels. */
    public static final String DEFAULT = "default";

    /** The metric and log label: {@code default}, {@code <caller>/<endpoint>} or {@code <caller>/callback}; never a URL. */
    public String label() {
        return switch (kind) {
            case DEFAULT -> DEFAULT;
            case ENDPOINT -> caller + "/" + endpoint;
            case CALLBACK -> caller + "/" + CALLBACK;
        };
    }

    /** The caller label of metrics: the caller's name, or {@code default} for the original's single URL. */
    public String callerLabel() {
        return caller == null ? DEFAULT : caller;
    }

    /** The endpoint label of metrics: the endpoint's name, {@code callback} or {@code default}. */
    public String endpointLabel() {
        return switch (kind) {
            case DEFAULT -> DEFAULT;
            case ENDPOINT -> endpoint;
            case CALLBACK -> CALLBACK;
        };
    }

    /** The URL without user info, query or fragment (a query may carry a receiver's token). */
    public String shownUrl() {
        return shown(url);
    }

    public static String shown(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            int cut = url.indexOf('?');
            return cut < 0 ? url : url.substring(0, cut);
        }
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("kind", kind.wireName());
        json.put("webhook_id", webhookId);
        if (caller != null) {
            json.put("caller", caller);
        }
        if (endpoint != null) {
            json.put("endpoint", endpoint);
        }
        json.put("url", url);
        return json;
    }

    /** The target of a delivery message; {@link IllegalArgumentException} when it is not one. */
    public static DeliveryTarget fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("delivery target is not a JSON object");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(json.path("kind").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("delivery target has an unknown kind");
        }
        String webhookId = json.path("webhook_id").asText(null);
        String caller = json.path("caller").asText(null);
        String endpoint = json.path("endpoint").asText(null);
        String url = json.path("url").asText(null);
        if (webhookId == null || webhookId.isBlank()) {
            throw new IllegalArgumentException("delivery target has no webhook_id");
        }
        if (kind != Kind.DEFAULT && caller == null) {
            throw new IllegalArgumentException("delivery target has no caller");
        }
        if (kind == Kind.ENDPOINT && endpoint == null) {
            throw new IllegalArgumentException("delivery target has no endpoint");
        }
        if (kind == Kind.CALLBACK && url == null) {
            throw new IllegalArgumentException("delivery target has no url");
        }
        return new DeliveryTarget(kind, caller, endpoint, url, webhookId);
    }
}
