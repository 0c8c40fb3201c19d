package gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * An event of the gateway's own rather than an answer, as a delivery carries it: an endpoint's health
 * (gateway.endpoints.EndpointEvents: a message on the deliveries queue, delivered, signed and retried like an answer) or
 * a question's start or progress (gateway.events.QuestionWebhooks: sent once, at once):
 * <pre>{"message_type":"endpoint_event"|"question_event","event_id","tracking_id","type","timestamp","data":{...},
 *  "webhook_id","target":{...}}</pre>
 * The receiver gets {@code {"type","timestamp","data"}}, with {@code tracking_id} for a question's event (and its
 * {@code X-Tracking-ID} header); no tracking record follows these deliveries.
 */
public record EventMessage(String type, String timestamp, String trackingId, JsonNode data, DeliveryTarget target) {

    public static final String MESSAGE_TYPE = "endpoint_event";
    public static final String QUESTION_EVENT = "question_event";

    /** Whether a deliveries-queue message is such an event. */
    public static boolean is(JsonNode message) {
        String type = message == null ? null : message.path("message_type").asText(null);
        return MESSAGE_TYPE.equals(type) || QUESTION_EVENT.equals(type);
    }

    /** The event; {@link IllegalArgumentException} when it lacks its type, time or target. */
    public static EventMessage parse(JsonNode message) {
        String type = message.path("type").asText(null);
        String timestamp = message.path("timestamp").asText(null);
        if (type == null || timestamp == null || !message.hasNonNull("target")) {
            throw new IllegalArgumentException("event message lacks its type, timestamp or target");
        }
        String trackingId = QUESTION_EVENT.equals(message.path("message_type").asText()) ? message.path("tracking_id").asText(null) : null;
        return new EventMessage(type, timestamp, trackingId, message.path("data"), DeliveryTarget.fromJson(message.get("target")));
    }

    /** What the receiver gets, compact JSON. */
    public String payload() {
        ObjectNode body = Json.object();
        body.put("type", type);
        body.put("timestamp", timestamp);
        if (trackingId != null) {
            body.put("tracking_id", trackingId);
        }
        body.set("data", data.deepCopy());
        return Json.write(body);
    }
}
