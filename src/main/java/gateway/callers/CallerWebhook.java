package gateway.callers;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import gateway.delivery.DeliveryTarget;
import gateway.delivery.WebhookSigner;

/**
 * One of a caller's endpoints in {@code CALLERS_FILE}: what it is ({@link EndpointType}, {@code type}, default
 * {@code webhook}), where its answers go, which event types it takes, the extra headers sent with each delivery, and the
 * signer (the endpoint's own {@code signing_secrets}, else the caller's).
 *
 * <p>{@code url} is where a webhook, a Slack or a Teams endpoint POSTs, and an SQS endpoint's queue URL; null for SNS
 * and EventBridge. {@code destination} is an AWS endpoint's queue URL, topic ARN or event bus (null for the HTTP types);
 * {@code eventSource} an EventBridge endpoint's {@code source} (null for the others).
 *
 * <p>{@link #toString()} shows the header names only: header values (an {@code Authorization} token, say) and
 * secrets are never shown; a Slack or Teams URL is a credential as a whole (Slack's secret is in its path), so only its
 * scheme and host are ever shown ({@link #shownUrl()}).
 *
 * @param ownSigningSecrets how many secrets the endpoint has of its own (0: it signs with the caller's)
 * @param maxPerSecond      deliveries per second it takes at most ({@code max_per_second}); null: no limit
 */
public record CallerWebhook(String name, EndpointType type, URI url, String destination, String eventSource,
        Set<String> events, Map<String, String> headers, WebhookSigner signer, int ownSigningSecrets, Integer maxPerSecond) {

    /** The event types of answers (see gateway.delivery.DeliveryPayload): what an endpoint without {@code events} takes. */
    public static final Set<String> EVENT_TYPES = Set.of("query.answered", "query.failed", "query.cancelled");
    /** The event types of an endpoint's health (gateway.endpoints.EndpointEvents): only for endpoints that list them. */
    public static final Set<String> ENDPOINT_EVENT_TYPES = Set.of("endpoint.paused", "endpoint.resumed");
    /** Every event type an endpoint may list in {@code events} (a question's start and progress: gateway.events). */
    public static final Set<String> KNOWN_EVENT_TYPES = Set.of("query.answered", "query.failed", "query.cancelled",
            "query.started", "query.progress", "endpoint.paused", "endpoint.resumed");
    /**
     * The event types a Slack or Teams endpoint may list: a question's start and progress are not among them (each
     * would be a message of its own in the channel, several per question; a chat message is not edited afterwards).
     */
    public static final Set<String> CHAT_EVENT_TYPES = Set.of("query.answered", "query.failed", "query.cancelled",
            "endpoint.paused", "endpoint.resumed");
    /** What a chat endpoint's shown URL puts after its host: the rest of the URL is its credential. */
    public static final String HIDDEN_PATH = "/…";

    /** A webhook endpoint (the type before endpoint types existed). */
    public CallerWebhook(String name, URI url, Set<String> events, Map<String, String> headers, WebhookSigner signer,
            int ownSigningSecrets, Integer maxPerSecond) {
        this(name, EndpointType.WEBHOOK, url, null, null, events, headers, signer, ownSigningSecrets, maxPerSecond);
    }

    public CallerWebhook(String name, URI url, Set<String> events, Map<String, String> headers, WebhookSigner signer,
            int ownSigningSecrets) {
        this(name, url, events, headers, signer, ownSigningSecrets, null);
    }

    public CallerWebhook {
        type = type == null ? EndpointType.WEBHOOK : type;
        if (url == null && !(type == EndpointType.SNS || type == EndpointType.EVENTBRIDGE)) {
            throw new IllegalArgumentException("a " + type.wireName() + " endpoint needs a url");
        }
        Objects.requireNonNull(events, "events");
        events = Set.copyOf(events);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers)); // in the file's order, for the operators' view
    }

    /** Whether a delivery of this event type goes to this endpoint. */
    public boolean accepts(String eventType) {
        return events.contains(eventType);
    }

    /**
     * Where it sends as operators and callers see it: a webhook's URL without user info, query or fragment (a query may
     * carry a token); a Slack or Teams URL as its scheme and host only ({@code https://hooks.slack.com/…}); an AWS
     * endpoint's destination as the file names it (a queue URL, a topic ARN, a bus).
     */
    public String shownUrl() {
        if (type.chat()) {
            return url.getScheme() + "://" + url.getRawAuthority().replaceFirst("^.*@", "") + HIDDEN_PATH;
        }
        if (type.aws()) {
            return destination;
        }
        return DeliveryTarget.shown(url.toString());
    }

    /**
     * What a delivery target records of it (the deliveries queue's message, the tracking record): a webhook's URL as
     * before, and for the other types {@link #shownUrl()}, never a chat URL's credential. A delivery to an endpoint
     * takes its URL from the callers file when it is sent, never from the record.
     */
    public String targetUrl() {
        return type == EndpointType.WEBHOOK ? url.toString() : shownUrl();
    }

    @Override
    public String toString() {
        return "CallerWebhook[name=" + name + ", type=" + type.wireName() + ", url=" + shownUrl()
                + ", events=" + events.stream().sorted().toList()
                + ", headers=" + headers.keySet() + ", ownSigningSecrets=" + ownSigningSecrets
                + (maxPerSecond == null ? "" : ", maxPerSecond=" + maxPerSecond)
                + (eventSource == null ? "" : ", source=" + eventSource) + "]";
    }
}
