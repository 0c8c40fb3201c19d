package gateway.callers;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import gateway.delivery.DeliveryTarget;
import gateway.delivery.WebhookSigner;

/**
 * One of a caller's endpoints in {@code CALLERS_FILE}: where its answers go, which event types it takes, the extra
 * headers sent with each delivery, and the signer (the endpoint's own {@code signing_secrets}, else the caller's).
 *
 * <p>{@link #toString()} shows the header names only: header values (an {@code Authorization} token, say) and
 * secrets are never shown.
 *
 * @param ownSigningSecrets how many secrets the endpoint has of its own (0: it signs with the caller's)
 * @param maxPerSecond      deliveries per second it takes at most ({@code max_per_second}); null: no limit
 */
public record CallerWebhook(String name, URI url, Set<String> events, Map<String, String> headers, WebhookSigner signer,
        int ownSigningSecrets, Integer maxPerSecond) {

    /** The event types of answers (see gateway.delivery.DeliveryPayload): what an endpoint without {@code events} takes. */
    public static final Set<String> EVENT_TYPES = Set.of("query.answered", "query.failed", "query.cancelled");
    /** The event types of an endpoint's health (gateway.endpoints.EndpointEvents): only for endpoints that list them. */
    public static final Set<String> ENDPOINT_EVENT_TYPES = Set.of("endpoint.paused", "endpoint.resumed");
    /** Every event type an endpoint may list in {@code events} (a question's start and progress: gateway.events). */
    public static final Set<String> KNOWN_EVENT_TYPES = Set.of("query.answered", "query.failed", "query.cancelled",
            "query.started", "query.progress", "endpoint.paused", "endpoint.resumed");

    public CallerWebhook(String name, URI url, Set<String> events, Map<String, String> headers, WebhookSigner signer,
            int ownSigningSecrets) {
        this(name, url, events, headers, signer, ownSigningSecrets, null);
    }

    public CallerWebhook {
        events = Set.copyOf(events);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // in the file's order, for the operators' view
    }

    /** Whether a delivery of this event type goes to this endpoint. */
    public boolean accepts(String eventType) {
        return events.contains(eventType);
    }

    /** The URL as operators see it: without user info, query or fragment (a query may carry a token). */
    public String shownUrl() {
        return DeliveryTarget.shown(url.toString());
    }

    @Override
    public String toString() {
        return "CallerWebhook[name=" + name + ", url=" + shownUrl() + ", events=" + events.stream().sorted().toList()
                + ", headers=" + headers.keySet() + ", ownSigningSecrets=" + ownSigningSecrets
                + (maxPerSecond == null ? "" : ", maxPerSecond=" + maxPerSecond) + "]";
    }
}
