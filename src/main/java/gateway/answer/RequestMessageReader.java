package gateway.answer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.intake.RequestQueueMessage;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;
import org.slf4j.MDC;

/**
 * Reads a message of the requests queue (the intake's {@code webhook_processing_request}) for the
 * agent stage: the request, its tracking id and its query become exchange properties.
 */
public class RequestMessageReader {

    public static final String REQUEST = "webhook_request";
    public static final String QUEUED_AT = "queued_at";
    public static final String QUERY = "query";
    /** Exchange property: the API key name the intake recorded (absent when the gateway runs open). */
    public static final String CALLER = "caller";
    /** Exchange property: the request message as it was received, for a DLQ entry the gateway writes itself. */
    public static final String RECEIVED_MESSAGE = "received_request_message";

    /** Returns the query; throws {@link MalformedMessageException} for a message that can never work. */
    public String read(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        JsonNode root;
        try {
            root = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedMessageException("request message is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("request message is not a JSON object");
        }
        if (!RequestQueueMessage.MESSAGE_TYPE.equals(root.path("message_type").asText())) {
            throw new MalformedMessageException("request message has message_type '"
                    + bounded(root.path("message_type").asText()) + "'");
        }
        String trackingId = root.path("tracking_id").asText("");
        JsonNode request = root.get(REQUEST);
        if (trackingId.isBlank() || request == null || !request.isObject()) {
            throw new MalformedMessageException("request message lacks tracking_id or webhook_request");
        }
        JsonNode query = request.get(QUERY);
        if (query == null || !query.isTextual() || query.textValue().isBlank()) {
            throw new MalformedMessageException("request message has no query");
        }
        exchange.setProperty("tracking_id", trackingId);
        exchange.setProperty(RECEIVED_MESSAGE, body);
        // kept before the SQS headers are replaced (a failure result or a DLQ entry of this receive still needs it)
        exchange.setProperty(DeadLetters.RECEIVE_COUNT, DeadLetters.receiveCount(exchange));
        exchange.setProperty(DeadLetters.REDRIVES, DeadLetters.redrives(exchange));
        exchange.setProperty(REQUEST, (ObjectNode) request);
        exchange.setProperty(QUEUED_AT, root.path("queued_at").asText(null));
        exchange.setProperty(CALLER, root.path("caller").asText(null));
        exchange.getMessage().setHeader("tracking_id", trackingId);
        MDC.put("tracking_id", trackingId);
        return query.textValue();
    }

    private static String bounded(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
