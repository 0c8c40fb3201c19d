package gateway.endpoints;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import gateway.delivery.DeliveryTarget;
import gateway.delivery.EventMessage;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The delivery stage's steps on the lanes ({@link DeliveryLane}): a delivery parked for its paused endpoint (the
 * message as the deliveries queue carried it, in the order its answer was made), a parked one taken up again (its
 * properties as the delivery route sets them, so it is prepared, signed and recorded like any other), removed once it has
 * ended, and the copy of a dead-lettered delivery that a recover sends again.
 */
public class ParkedDeliveries {

    private final DeliveryLane parked;
    private final DeliveryLane undelivered;
    public ParkedDeliveries(DeliveryLane parked, DeliveryLane undelivered) {
        this.parked = parked;
        this.undelivered = undelivered;
    }

    /** Parks the delivery being made ({@link FlowProperties#RECEIVED_MESSAGE}) in its endpoint's lane. */
    public void park(Exchange exchange) {
        String message = exchange.getProperty(FlowProperties.RECEIVED_MESSAGE, String.class);
        DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET, DeliveryTarget.class);
        parked.put(EndpointRef.of(target), orderKey(message, target), message);
    }

    /** Keeps a copy of a dead-lettered delivery, for a recover; nothing for a message that could not be read. */
    public void keepUndelivered(Exchange exchange) {
        String message = exchange.getProperty(FlowProperties.RECEIVED_MESSAGE, String.class);
        if (message != null && exchange.getProperty(FlowProperties.DELIVERY_TARGET) instanceof DeliveryTarget target) {
            undelivered.put(EndpointRef.of(target), orderKey(message, target), message);
        }
    }

    /**
     * A parked delivery taken up again (a release, a probe, its retention over): its message, with the properties the
     * delivery route would set ({@link FlowProperties#PARKED_KEY}, the received message); null when it is gone already.
     */
    public String load(@Body DeliveryLane.Entry entry, Exchange exchange) {
        exchange.setProperty(FlowProperties.PARKED_KEY, entry.key());
        String message = parked.read(entry.key()).orElse(null);
        if (message != null) {
            exchange.setProperty(FlowProperties.RECEIVED_MESSAGE, message);
            identify(message, exchange);
        }
        return message;
    }

    /** The parked copy of a delivery that has ended (delivered, dead-lettered). */
    public void remove(@ExchangeProperty(FlowProperties.PARKED_KEY) String key) {
        if (key != null) {
            parked.remove(key);
        }
    }

    /** The order of a delivery in its lane: when its answer was made (an event: its time), then its webhook-id. */
    static String orderKey(String message, DeliveryTarget target) {
        JsonNode json = parse(message);
        String at = json.path("answered_at").asText(null);
        if (at == null) {
            at = json.path("timestamp").asText(null);
        }
        if (at == null) {
            at = json.path("queued_at").asText(null);
        }
        return DeliveryLane.orderKey(instant(at), target.webhookId());
    }

    /** The tracking id, webhook-id and target of a parked message (none for an endpoint event but the last two). */
    private static void identify(String message, Exchange exchange) {
        JsonNode json = parse(message);
        if (json.hasNonNull("target")) {
            try {
                DeliveryTarget target = DeliveryTarget.fromJson(json.get("target"));
                exchange.setProperty(FlowProperties.DELIVERY_TARGET, target);
                exchange.setProperty(FlowProperties.WEBHOOK_ID, target.webhookId());
            } catch (IllegalArgumentException e) {
                // left to the delivery's own parse, which dead-letters what it cannot read
            }
        }
        if (!EventMessage.is(json) && json.hasNonNull("tracking_id")) {
            exchange.setProperty(FlowProperties.TRACKING_ID, json.get("tracking_id").asText());
        }
    }

    private static JsonNode parse(String message) {
        try {
            return message == null ? Json.object() : Json.MAPPER.readTree(message);
        } catch (JacksonException e) {
            return Json.object();
        }
    }

    private static Instant instant(String at) {
        try {
            return at == null ? null : OffsetDateTime.parse(at).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
