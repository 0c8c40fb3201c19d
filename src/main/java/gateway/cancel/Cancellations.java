package gateway.cancel;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryMessage;
import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.intake.IntakeRejection;
import gateway.intake.RequestQueueMessage;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordStoreUnavailable;
import gateway.tracking.S3RecordStore;
import gateway.tracking.TrackingRecord;
import gateway.tracking.TrackingStatus;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;

/**
 * {@code DELETE /webhook/{tracking_id}}: whether the caller's question can still be cancelled (queued, or at the agent:
 * the agent stage has no result for it yet), else 409; the {@code query.cancelled} delivery message; and, once the
 * cancellation is written, whether it landed (read back: the agent stage may have finished in between). A question
 * cancelled already answers 202 again and changes nothing ({@link #REPEATED}). (Who may cancel, and the 404 for anyone
 * else, is the status lookup's rule.)
 */
public class Cancellations {

    /** Exchange property: true when the question was cancelled already (the DELETE is repeated). */
    public static final String REPEATED = "cancel_repeated";

    private final Clock clock;

    public Cancellations(Clock clock) {
        this.clock = clock;
    }

    /** From the caller's own record (the body): 409 when the agent stage has a result for it; {@link #REPEATED} when cancelled. */
    public void check(@Body ObjectNode record, Exchange exchange) {
        TrackingStatus status = TrackingRecord.status(record);
        if (status == TrackingStatus.CANCELLED) {
            exchange.setProperty(REPEATED, true);
        } else if (!TrackingRecord.cancellable(record)) {
            throw tooLate(status);
        }
    }

    /**
     * The {@code query.cancelled} delivery message for the record in the body, with the deliveries queue's attributes:
     * the request as the caller sent it, no response, no error; {@code answered_at} is when it was cancelled. Its
     * {@code webhook-id} is the one the result would have had ({@code msg_<tracking id>}, after a redrive {@code _r<n>}).
     */
    public String message(@Body ObjectNode record, Exchange exchange) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        int redrives = record.path("redrives").asInt(0);
        JsonNode request = record.path("request").isObject() ? record.get("request") : Json.object();
        JsonNode sessionId = request.path("session_id");
        ObjectNode message = Json.object();
        message.put("message_type", DeliveryMessage.MESSAGE_TYPE);
        message.put("tracking_id", trackingId);
        message.put("webhook_id", "msg_" + trackingId + (redrives > 0 ? "_r" + redrives : ""));
        message.put("status", DeliveryMessage.STATUS_CANCELLED);
        message.set("webhook_request", request);
        message.putNull("response");
        message.putNull("response_plain");
        message.put("session_id", sessionId.isTextual() ? sessionId.textValue() : trackingId);
        message.put("answered_at", Timestamps.now(clock));
        message.put("queued_at", record.path("queued_at").asText(null));
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(QueueAttributes.MESSAGE_TYPE, DeliveryMessage.MESSAGE_TYPE);
        out.setHeader(QueueAttributes.TRACKING_ID, trackingId);
        out.setHeader(QueueAttributes.SOURCE_SYSTEM, RequestQueueMessage.attributeValue(record.path("source_system").asText("")));
        return Json.write(message);
    }

    /**
     * The record read back after the cancellation was written: cancelled, fine; finished by the agent stage in between,
     * 409; else (the write was given up, or the store cannot be read) {@link RecordStoreUnavailable}, 503: the caller may
     * ask again.
     */
    public void confirm(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored,
            @ExchangeProperty(RecordLookup.STORE_UNAVAILABLE) Boolean unavailable) {
        if (Boolean.TRUE.equals(unavailable) || stored == null) {
            throw new RecordStoreUnavailable("record store: cannot read the cancelled record back", null);
        }
        TrackingStatus status = TrackingRecord.status(stored.record());
        if (status == TrackingStatus.CANCELLED) {
            return;
        }
        if (!TrackingRecord.cancellable(stored.record())) {
            throw tooLate(status);
        }
        throw new RecordStoreUnavailable("record store: the cancellation could not be written", null);
    }

    private static IntakeRejection tooLate(TrackingStatus status) {
        return new IntakeRejection(409, "Too late to cancel: the question is already "
                + (status == null ? "answered" : status.wireName().replace('_', '-')));
    }
}
