package gateway.delivery;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * A request's result, once per target: the messages the route's split puts on the deliveries queue, each the
 * same result with the target's own {@code webhook_id} and its {@code target}, so every receiver has a delivery
 * of its own (own retries, own DLQ entry) and the agent is asked once.
 */
public class DeliveryFanOut {

    /** The result (a delivery message as the agent stage wrote it) for each of {@link FlowProperties#DELIVERY_TARGETS}. */
    public List<String> messages(@Body String result, @ExchangeProperty(FlowProperties.DELIVERY_TARGETS) List<DeliveryTarget> targets) {
        if (targets == null || targets.isEmpty()) {
            return List.of();
        }
        ObjectNode base = parse(result);
        List<String> messages = new ArrayList<>(targets.size());
        for (DeliveryTarget target : targets) {
            ObjectNode message = base.deepCopy();
            message.put("webhook_id", target.webhookId());
            message.set("target", target.toJson());
            messages.add(Json.write(message));
        }
        return messages;
    }

    private static ObjectNode parse(String result) {
        try {
            JsonNode node = result == null ? null : Json.MAPPER.readTree(result);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            // falls through: the agent stage only ever hands over its own JSON
        }
        throw new IllegalArgumentException("the result to deliver is not a JSON object");
    }
}
