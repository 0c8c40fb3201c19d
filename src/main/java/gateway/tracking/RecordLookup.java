package gateway.tracking;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.sqs.DeadLetters;
import gateway.sqs.FirstReceive;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * Never pay twice: before the agent is asked, what an earlier receive of the request left in its record
 * ({@code routes.TrackingRoute}'s lookup). Read only when an earlier receive can have left something (not on a first
 * receive), and an operator's redrive from the DLQ starts the conversation again.
 */
public class RecordLookup {

    /** Exchange property: the record as read ({@link S3RecordStore.Stored}); unset when there is none. */
    public static final String STORED_RECORD = "stored_record";
    /** Exchange property: true when the record store could not be read (its retries spent). */
    public static final String STORE_UNAVAILABLE = "record_store_unavailable";
    /** Exchange property: the stored status, set by {@link #lookup} when the agent stage already finished. */
    public static final String STORED_STATUS = "stored_status";
    /** Exchange property set by {@link #lookup}: the code of the last error the record noted, if any. */
    public static final String STORED_LAST_ERROR = "stored_last_error";
    /** Exchange property: the delivery message the agent stage stored (JSON), set by {@link #lookup}. */
    public static final String STORED_DELIVERY = "stored_delivery_message";
    /**
     * Exchange property set by {@link #lookup}: the record's {@code deliveries} (an {@link ObjectNode} keyed by
     * webhook id, see {@link DeliveryEntries}) when it has them; {@link DeliveryEntries#notStarted} reads it.
     */
    public static final String STORED_DELIVERIES = "stored_deliveries";

    private final Clock clock;

    public RecordLookup(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether an earlier receive of this request can have stored the agent's result, so that the record is
     * worth reading before the agent is called. Only an EARLIER receive can, so on the first receive
     * ({@code ApproximateReceiveCount} 1 of the intake's own message, see {@link FirstReceive}) it is not read:
     * that saves an S3 read in line on nearly every request. From the second receive on, and for a message
     * redriven from the DLQ (its receive count starts again at 1), it is.
     */
    public boolean earlierReceive(Exchange exchange) {
        return !FirstReceive.of(exchange, exchange.getProperty(FlowProperties.QUEUED_AT, String.class));
    }

    /**
     * An operator redrove the request from the DLQ since the record was written: the conversation starts again
     * (status "processing" whatever it was), and a failure stored by an earlier receive is dropped, to be asked
     * again (an answer is kept: never pay twice). Null when it is no redrive.
     */
    public StageEvent redrive(@ExchangeProperty(STORED_RECORD) S3RecordStore.Stored stored, Exchange exchange) {
        if (!redriven(stored, exchange) || TrackingRecord.status(stored.record()) == TrackingStatus.CANCELLED) {
            return null; // a cancelled question is never asked again, redriven or not
        }
        int redrives = DeadLetters.redrives(exchange);
        boolean dropFailure = storedFailure(stored);
        return StageEvent.restart(TrackingStatus.PROCESSING, now(), null,
                "redriven from the requests DLQ (#" + redrives + ")" + (dropFailure ? ": the agent is asked again" : ""), r -> {
                    r.put("redrives", redrives);
                    if (dropFailure) {
                        r.remove("delivery_message");
                        r.remove("finished_at");
                        QuestionOutcome.reopened(r);
                        // so are its deliveries: the new result is a new message to each target (webhook ids of
                        // its own), whose entries the agent stage makes afresh
                        r.remove(DeliveryEntries.FIELD);
                    }
                });
    }

    /**
     * Before the agent is called, from the record as read ({@link #STORED_RECORD}): has an earlier receive of
     * this request already got the agent's result (a crash between writing it and deleting the request)? Sets
     * {@link #STORED_STATUS} and, when the record holds it, {@link #STORED_DELIVERY}. No record (or a store that
     * could not be read) counts as "no": the agent is called.
     */
    public void lookup(@ExchangeProperty(STORED_RECORD) S3RecordStore.Stored stored, Exchange exchange) {
        if (stored == null || (redriven(stored, exchange) && storedFailure(stored))) {
            return;
        }
        exchange.setProperty(STORED_LAST_ERROR, stored.record().path("last_error").path("code").asText(null));
        ObjectNode deliveries = DeliveryEntries.of(stored.record());
        if (deliveries != null) {
            exchange.setProperty(STORED_DELIVERIES, deliveries);
        }
        TrackingStatus status = TrackingRecord.status(stored.record());
        if (status != null && status.agentDone()) {
            exchange.setProperty(STORED_STATUS, status.wireName());
            JsonNode message = stored.record().get("delivery_message");
            if (message != null && message.isObject()) {
                exchange.setProperty(STORED_DELIVERY, Json.write(message));
            }
        }
    }

    private static boolean redriven(S3RecordStore.Stored stored, Exchange exchange) {
        return stored != null && DeadLetters.redrives(exchange) > stored.record().path("redrives").asInt(0)
                && !DeadLetters.swept(exchange);
    }

    private static boolean storedFailure(S3RecordStore.Stored stored) {
        return "failed".equals(stored.record().path("delivery_message").path("status").asText());
    }

    private String now() {
        return Timestamps.now(clock);
    }
}
