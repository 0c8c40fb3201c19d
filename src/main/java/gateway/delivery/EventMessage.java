package gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * A message on the deliveries queue that is an event of the gateway's own rather than an answer (an endpoint's health:
 * gateway.endpoints.EndpointEvents):
 * <pre>{"message_type":"endpoint_event","event_id","type","timestamp","data":{...},"webhook_id","target":{...}}</pre>
 * It is delivered, signed and retried like an answer, with no tracking id; the receiver gets
 * {@code {"type","timestamp","data"}}.
 */
public record EventMessage(String type, String timestamp, JsonNode data, DeliveryTarget target) {

    public static final String MESSAGE_TYPE = "endpoint_event";

    /** Whether a deliveries-queue message is such an event. */
    public static boolean is(JsonNode message) {
        return message != null && MESSAGE_TYPE.equals(message.path("message_type").asText(null));
    }

    /** The event; {@link IllegalArgumentException} when it lacks its type, time or target. */
    public static EventMessage parse(JsonNode message) {
        String type = message.path("type").asText(null);
        String timestamp = message.path("timestamp").asText(null);
        if (type == null || timestamp == null || !message.hasNonNull("target")) {
            throw new IllegalArgumentException("event message lacks its type, timestamp or target");
        }
        return new EventMessage(type, timestamp, message.path("data"), DeliveryTarget.fromJson(message.get("target")));
    }

    /** What the receiver gets, compact JSON. */
    public String payload() {
        ObjectNode body = Json.object();
        body.put("type", type);
        body.put("timestamp", timestamp);
        body.set("data", data.deepCopy());
        return Json.write(body);
    }
}
