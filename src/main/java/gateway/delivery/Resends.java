package gateway.delivery;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.intake.IntakeRejection;
import gateway.intake.RequestQueueMessage;
import gateway.json.Json;
import gateway.tracking.TrackingRecord;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * {@code POST /webhook/{tracking_id}/resend}: the stored result of a question, again, to the targets it went to,
 * with the same {@code webhook-id}s (receivers deduplicate on them), without asking the agent. 409 while the
 * question is still being answered. (Who may resend, and the 404 for anyone else, is the status lookup's rule.)
 */
public class Resends {

    private final DeliveryTargets targets;

    public Resends(DeliveryTargets targets) {
        this.targets = targets;
    }

    /** 405 for anything but POST. */
    public void requirePost(@Header(Exchange.HTTP_METHOD) String method) {
        if (!"POST".equals(method)) {
            throw new IntakeRejection(405, "Method not allowed: use POST", Map.of("Allow", "POST"));
        }
    }

    /**
     * From the tracking record in the body (the caller's own): the stored result in the body and its targets in {@link FlowProperties#DELIVERY_TARGETS}, with the deliveries
     * queue's attributes; {@link IntakeRejection} 409 when there is nothing to resend yet.
     */
    public String prepare(@Body ObjectNode record, Exchange exchange) {
        JsonNode result = record.get("delivery_message");
        if (!TrackingRecord.agentDone(record) || result == null || !result.isObject()) {
            throw new IntakeRejection(409, "The question is still being answered: there is nothing to resend yet");
        }
        String message = Json.write(result);
        List<DeliveryTarget> stored = TrackingRecord.targets(record);
        // a record written before deliveries went per target: the targets are chosen as they would be now
        List<DeliveryTarget> chosen = record.has("deliveries") ? stored
                : targets.select(message, record.path("caller").asText(null));
        if (chosen.isEmpty()) {
            throw new IntakeRejection(409, "No endpoint of this caller takes this result's event type: there is nothing to resend");
        }
        exchange.setProperty(FlowProperties.DELIVERY_TARGETS, chosen);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(QueueAttributes.MESSAGE_TYPE, DeliveryMessage.MESSAGE_TYPE);
        out.setHeader(QueueAttributes.TRACKING_ID, exchange.getProperty(FlowProperties.TRACKING_ID, String.class));
        out.setHeader(QueueAttributes.SOURCE_SYSTEM, RequestQueueMessage.attributeValue(record.path("source_system").asText("")));
        return message;
    }
}
