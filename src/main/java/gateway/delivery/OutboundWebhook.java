package gateway.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.callers.EndpointType;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.MDC;

/**
 * Turns a deliveries-queue message into the signed webhook request: the seed-compatible payload, the
 * original headers ({@code X-Webhook-Source}, {@code X-Tracking-ID}), Standard Webhooks signing
 * ({@code webhook-id} stable across attempts, {@code webhook-timestamp}, {@code webhook-signature}), and
 * the target the route POSTs to ({@link FlowProperties#WEBHOOK_URL}): the message's {@link DeliveryTarget}, resolved
 * now ({@link DeliveryTargetResolver}), with its own headers and signing secrets.
 *
 * <p>The target's URL goes out exactly as it was checked (its path and query byte for byte): it is the
 * {@code CamelHttpUri} header of the route's one http endpoint, never part of an endpoint URI. Camel normalises an
 * endpoint URI, decoding it on the way ({@code %252e} became {@code .}, {@code %2F} became {@code /}), so a path that
 * matched a caller's {@code callback_urls} pattern could reach the receiver as another path; a header is used as it
 * is. Being a header, no receiver parameter can be taken for an option of the http endpoint either.
 *
 * <p>It also says what the endpoint is ({@link FlowProperties#ENDPOINT_TYPE}: {@code WEBHOOK} for {@code WEBHOOK_URL}
 * and callbacks) and, for an AWS endpoint, where it sends ({@link FlowProperties#DESTINATION},
 * {@link FlowProperties#EVENT_SOURCE}); the body and the signing headers stay the webhook's, carried as message
 * attributes. A Slack or Teams endpoint gets no signing nor {@code X-*} headers: the route renders its body.
 */
public class OutboundWebhook {

    public static final String HEADER_SOURCE = "X-Webhook-Source";
    public static final String HEADER_TRACKING_ID = "X-Tracking-ID";

    private final DeliveryTargetResolver targets;
    private final String source;
    private final DeliveryPayload payload;
    private final Clock clock;

    public OutboundWebhook(DeliveryTargetResolver targets, String source, DeliveryPayload payload, Clock clock) {
        this.targets = targets;
        this.source = source;
        this.payload = payload;
        this.clock = clock;
    }

    /** Returns the payload to POST and sets the request headers; the SQS headers are kept for the delete. */
    public String prepare(@Body String deliveryMessage, Exchange exchange) {
        JsonNode json = Json.parseOrNull(deliveryMessage);
        // kept for a DLQ entry: the delivery message, not the payload, is what a redrive must deliver again
        exchange.setProperty(FlowProperties.RECEIVED_MESSAGE, deliveryMessage);
        Instant now = clock.instant();
        DeliveryTarget target;
        String trackingId = null;
        String eventOf = null;
        String body;
        try {
            if (EventMessage.is(json)) {
                EventMessage event = EventMessage.parse(json);
                target = event.target();
                eventOf = event.trackingId();
                body = event.payload();
            } else {
                DeliveryMessage delivery = DeliveryMessage.parse(deliveryMessage);
                target = delivery.targetOrDefault();
                trackingId = delivery.trackingId();
                body = payload.build(delivery, now);
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        exchange.setProperty(FlowProperties.WEBHOOK_ID, target.webhookId());
        exchange.setProperty(FlowProperties.DELIVERY_TARGET, target);
        if (trackingId != null) {
            exchange.setProperty(FlowProperties.TRACKING_ID, trackingId);
            MDC.put(FlowProperties.TRACKING_ID, trackingId);
        }
        // UndeliverableTarget when the target can no longer be used (removed endpoint, callback no longer allowed)
        DeliveryTargetResolver.Resolved resolved = targets.resolve(target);
        String url = resolved.url();
        if (resolved.maxPerSecond() != null) {
            exchange.setProperty(FlowProperties.MAX_PER_SECOND, resolved.maxPerSecond());
        }
        // the route chooses by it: a webhook's POST, a chat message's, an AWS destination's send
        EndpointType type = resolved.type();
        exchange.setProperty(FlowProperties.ENDPOINT_TYPE, type);
        exchange.removeProperty(FlowProperties.DESTINATION);
        exchange.removeProperty(FlowProperties.EVENT_SOURCE);
        if (type.aws()) {
            exchange.setProperty(FlowProperties.DESTINATION, resolved.destination());
            if (resolved.eventSource() != null) {
                exchange.setProperty(FlowProperties.EVENT_SOURCE, resolved.eventSource());
            }
        }

        // nothing of the SQS message goes out as an HTTP header; the receipt handle stays for the delete
        exchange.setProperty(DeadLetters.RECEIVE_COUNT, DeadLetters.receiveCount(exchange));
        Message message = exchange.getMessage();
        message.removeHeaders("*", Sqs2Constants.RECEIPT_HANDLE);
        if (url != null) {
            message.setHeader(Exchange.HTTP_URI, url);
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (type.chat()) {
            // Slack and Teams read the body only: no signature, no X-Webhook-Source, no tracking header (the message
            // itself names its tracking id); the route's render step makes the body the chat message
            exchange.setProperty(FlowProperties.ATTEMPT_STARTED, System.nanoTime());
            return body;
        }
        // the endpoint's own headers first: the file's checks keep them from naming the ones below (or Camel's own)
        resolved.headers().forEach(message::setHeader);
        message.setHeader(HEADER_SOURCE, source);
        if (trackingId != null || eventOf != null) {
            // a question's event names its question too, without a tracking record of its own delivery
            message.setHeader(HEADER_TRACKING_ID, trackingId != null ? trackingId : eventOf);
        }
        WebhookSigner signer = resolved.signer();
        if (signer != null) {
            Map<String, String> signing = signer.headers(target.webhookId(), now.getEpochSecond(), body);
            signing.forEach(message::setHeader);
        } else {
            message.setHeader(WebhookSigner.HEADER_ID, target.webhookId());
            message.setHeader(WebhookSigner.HEADER_TIMESTAMP, Long.toString(now.getEpochSecond()));
        }
        exchange.setProperty(FlowProperties.ATTEMPT_STARTED, System.nanoTime());
        return body;
    }
}
