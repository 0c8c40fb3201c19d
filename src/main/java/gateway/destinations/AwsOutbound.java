package gateway.destinations;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.OutboundWebhook;
import gateway.delivery.WebhookSigner;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Turns a prepared delivery (the webhook's JSON payload as the body, its Standard Webhooks headers, the
 * {@link FlowProperties#DESTINATION}) into what an AWS destination gets, and puts the webhook message back after the
 * call, so that a redelivery of the attempt starts from it again.
 *
 * <p>What goes out: the payload, unchanged, and at most four message attributes, all of type String:
 * {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature} (when the endpoint has a signing secret)
 * and {@code webhook-type} (the payload's {@code type}: {@code query.answered}…, for SNS filter policies). Nothing else
 * of the message: not the request's headers, not Camel's HTTP ones, not the endpoint's own headers. To a FIFO queue or
 * topic: {@code MessageGroupId} = the question's tracking id (the delivery's webhook-id for an endpoint event, which
 * has none), {@code MessageDeduplicationId} = the webhook-id.
 *
 * <p>EventBridge has no message attributes, so its event's {@code detail} carries them beside the payload:
 * {@code {"headers":{"webhook-id":…,"webhook-timestamp":…,"webhook-signature":…},"payload":"<the payload's JSON text>"}}.
 * The payload is a string, byte for byte what was signed (EventBridge re-serialises a JSON object); the
 * {@code headers} are what a Standard Webhooks library's {@code verify(payload, headers)} takes. {@code detail-type} is
 * the payload's {@code type}, {@code source} the endpoint's {@code source}, {@code time} the signed timestamp.
 */
public final class AwsOutbound {

    /** The type attribute: the payload's {@code type}. */
    public static final String HEADER_TYPE = "webhook-type";
    /** The attribute names, in order; the only headers the message keeps while it is sent. */
    public static final List<String> ATTRIBUTES = List.of(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP,
            WebhookSigner.HEADER_SIGNATURE, HEADER_TYPE);
    /** The default EventBridge {@code source}. */
    public static final String DEFAULT_SOURCE = "ai-webhook-gateway";
    /** Property: the registry name of the SDK client the endpoint uses (per service and region). */
    public static final String CLIENT = "aws_client";
    /** Property: an SQS destination's queue name (the URL's last segment; {@code .fifo} makes the endpoint FIFO). */
    public static final String QUEUE_NAME = "aws_queue_name";
    /** Property: the id AWS gave the message or event (SQS and SNS message id, EventBridge event id). */
    public static final String MESSAGE_ID = "aws_message_id";
    /** Property: EventBridge's answer to the PutEvents call ({@code PutEventsResponse}), for its entry's outcome. */
    public static final String PUT_EVENTS_RESPONSE = "aws_put_events_response";
    /** Property: the webhook message as the delivery stage prepared it, put back after the call. */
    static final String KEPT = "aws_kept_message";

    private record Kept(Object body, Map<String, Object> headers) {
    }

    private final String gatewayRegion;

    public AwsOutbound(String gatewayRegion) {
        this.gatewayRegion = gatewayRegion;
    }

    /** Keeps the webhook message (body and headers) to be put back by {@link #restore}. */
    public void keep(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(KEPT, new Kept(message.getBody(), new HashMap<>(message.getHeaders())));
    }

    /** Puts the webhook message back as it was before the call (what the call added is dropped). */
    public void restore(Exchange exchange) {
        Kept kept = exchange.getProperty(KEPT, Kept.class);
        if (kept == null) {
            return;
        }
        Message message = exchange.getMessage();
        Object sqsMessageId = message.getHeader(Sqs2Constants.MESSAGE_ID);
        if (sqsMessageId != null) {
            exchange.setProperty(MESSAGE_ID, sqsMessageId);
        }
        if (message.getBody() instanceof PutEventsResponse response) {
            exchange.setProperty(PUT_EVENTS_RESPONSE, response);
            if (response.hasEntries() && !response.entries().isEmpty() && response.entries().get(0).eventId() != null) {
                exchange.setProperty(MESSAGE_ID, response.entries().get(0).eventId());
            }
        }
        message.setBody(kept.body());
        message.getHeaders().clear();
        message.getHeaders().putAll(kept.headers());
        exchange.removeProperty(KEPT);
    }

    /**
     * After a successful call (the webhook message put back): the body is AWS's answer in short,
     * {@code {"<key>":"<id>"}} ({@code message_id}, {@code event_id}), as a webhook's body is then the receiver's response:
     * the attempt log's excerpt names the message AWS took, not the payload again.
     */
    public void answered(Exchange exchange, String key) {
        String id = exchange.getProperty(MESSAGE_ID, String.class);
        exchange.getMessage().setBody(Json.write(Json.object().put(key, id)));
    }

    /** The SQS message: the payload, the attributes only; the queue's name and its region's client named. */
    public void sqs(Exchange exchange) {
        AwsDestination queue = destination(exchange, EndpointType.SQS);
        groupOf(exchange, queue);
        attributesOnly(exchange);
        exchange.setProperty(QUEUE_NAME, queue.name());
        exchange.setProperty(CLIENT, DestinationClients.sqsName(queue.region()));
    }

    /** The SNS message: the payload, the attributes only (the publisher reads the topic from the destination). */
    public void sns(Exchange exchange) {
        AwsDestination topic = destination(exchange, EndpointType.SNS);
        groupOf(exchange, topic);
        attributesOnly(exchange);
    }

    /** The PutEvents request of one entry as the body, no headers; its region's client named. */
    public void eventBridge(Exchange exchange) {
        AwsDestination bus = destination(exchange, EndpointType.EVENTBRIDGE);
        Message message = exchange.getMessage();
        String payload = message.getBody(String.class);
        Map<String, String> attributes = attributes(message, payload);
        ObjectNode detail = Json.object();
        ObjectNode headers = detail.putObject("headers");
        attributes.forEach((name, value) -> {
            if (!HEADER_TYPE.equals(name)) {
                headers.put(name, value);
            }
        });
        detail.put("payload", payload);
        String source = exchange.getProperty(FlowProperties.EVENT_SOURCE, String.class);
        PutEventsRequestEntry.Builder entry = PutEventsRequestEntry.builder()
                .eventBusName(bus.destination())
                .source(source == null || source.isBlank() ? DEFAULT_SOURCE : source)
                .detailType(attributes.getOrDefault(HEADER_TYPE, "webhook"))
                .detail(Json.write(detail));
        String timestamp = attributes.get(WebhookSigner.HEADER_TIMESTAMP);
        if (timestamp != null) {
            entry.time(Instant.ofEpochSecond(Long.parseLong(timestamp)));
        }
        message.getHeaders().clear();
        message.setBody(PutEventsRequest.builder().entries(entry.build()).build());
        exchange.setProperty(CLIENT, DestinationClients.eventBridgeName(bus.region()));
    }

    private AwsDestination destination(Exchange exchange, EndpointType type) {
        try {
            return AwsDestination.of(type, exchange.getProperty(FlowProperties.DESTINATION, String.class), gatewayRegion);
        } catch (IllegalArgumentException e) {
            // the callers file's checks refuse such a destination; one that got here anyway waits for its owner
            throw new DestinationFailure(DestinationFailure.Action.PAUSE, type.wireName() + "_invalid_destination", null, null,
                    e.getMessage());
        }
    }

    private void attributesOnly(Exchange exchange) {
        Message message = exchange.getMessage();
        String payload = message.getBody(String.class);
        Map<String, String> attributes = attributes(message, payload);
        message.getHeaders().clear();
        message.setBody(payload);
        attributes.forEach(message::setHeader);
    }

    private static Map<String, String> attributes(Message message, String payload) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : List.of(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP, WebhookSigner.HEADER_SIGNATURE)) {
            String value = message.getHeader(name, String.class);
            if (value != null && !value.isBlank()) {
                attributes.put(name, value);
            }
        }
        JsonNode json = Json.parseOrNull(payload);
        String type = json == null ? null : json.path("type").asText(null);
        if (type != null && !type.isBlank()) {
            attributes.put(HEADER_TYPE, type);
        }
        return attributes;
    }

    private static void groupOf(Exchange exchange, AwsDestination destination) {
        if (!destination.fifo()) {
            return;
        }
        String tracking = exchange.getMessage().getHeader(OutboundWebhook.HEADER_TRACKING_ID, String.class);
        String group = tracking != null && !tracking.isBlank() ? tracking
                : exchange.getMessage().getHeader(WebhookSigner.HEADER_ID, String.class);
        exchange.setProperty(Sqs2Constants.MESSAGE_GROUP_ID_PROPERTY, group);
    }
}
