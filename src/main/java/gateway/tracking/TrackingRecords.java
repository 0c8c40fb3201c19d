package gateway.tracking;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentCallException;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.sqs.DeadLetters;
import gateway.sqs.FirstReceive;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What the routes' tracking steps ({@code routes.TrackingRoute}) compute for each request's {@link TrackingRecord}:
 * one {@link StageEvent} per stage, handed to the route's record-change step as {@link #CHANGE}; the write of
 * the changes of one record ({@link #write}); and, from a record as read, the never-pay-twice answer
 * ({@link #lookup}). The routes decide when and on which thread a change is written, retry the store and give
 * up on it: nothing here calls S3 but {@link #write}, and no step here holds up a message.
 */
public class TrackingRecords {

    /** Exchange property: the stage's change ({@link StageEvent}) a record step hands to the record-change step. */
    public static final String CHANGE = "record_change";
    /**
     * Exchange property: how the change is written: {@link #NOW} (in line, before the route goes on),
     * {@link #END} (the delivery's end: by a record writer at once, then the export); unset, it waits for company.
     */
    public static final String WRITE = "record_write";
    public static final String NOW = "now";
    public static final String END = "end";
    /** Exchange property: the record as read ({@link S3RecordStore.Stored}); unset when there is none. */
    public static final String STORED_RECORD = "stored_record";
    /** Exchange property: true when the record store could not be read (its retries spent). */
    public static final String STORE_UNAVAILABLE = "record_store_unavailable";
    /** Exchange property: the record as written by {@link #write} (the export's source). */
    public static final String WRITTEN_RECORD = "written_record";
    /** Exchange property: the object key of the export's file being written. */
    public static final String EXPORT_KEY = "export_key";
    /** Exchange property: the stored status, set by {@link #lookup} when the agent stage already finished. */
    public static final String STORED_STATUS = "stored_status";
    /** Exchange property set by {@link #lookup}: the code of the last error the record noted, if any. */
    public static final String STORED_LAST_ERROR = "stored_last_error";
    /** Exchange property: the delivery message the agent stage stored (JSON), set by {@link #lookup}. */
    public static final String STORED_DELIVERY = "stored_delivery_message";
    /** Exchange property: how the delivery ended, {@code delivered} or {@code dead_lettered}. */
    public static final String DELIVERY_OUTCOME = "delivery_outcome";
    static final String DELIVERED_STATUS = "delivered_http_status";

    private final S3RecordStore store;
    private final Clock clock;
    private final DeliveryAttempts attempts;

    public TrackingRecords(S3RecordStore store, Clock clock, DeliveryAttempts attempts) {
        this.store = store;
        this.clock = clock;
        this.attempts = attempts;
    }

    // --- webhook-intake ---

    /** The request is on the requests queue (a tracking id the intake has just made up: see {@link #write}). */
    public StageEvent queued(@ExchangeProperty(FlowProperties.QUEUED_AT) String queuedAt,
            @ExchangeProperty(FlowProperties.CALLER) String caller, @ExchangeProperty(FlowProperties.REQUEST) JsonNode request) {
        return new StageEvent(TrackingStatus.QUEUED, queuedAt != null ? queuedAt : now(), null, null, r -> {
            TrackingRecord.putEarliest(r, "queued_at", queuedAt);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            describeRequest(r, request);
        });
    }

    // --- agent-invoke ---

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
        if (!redriven(stored, exchange)) {
            return null;
        }
        int redrives = DeadLetters.redrives(exchange);
        boolean dropFailure = storedFailure(stored);
        return StageEvent.restart(TrackingStatus.PROCESSING, now(), null,
                "redriven from the requests DLQ (#" + redrives + ")" + (dropFailure ? ": the agent is asked again" : ""), r -> {
                    r.put("redrives", redrives);
                    if (dropFailure) {
                        r.remove("delivery_message");
                        r.remove("finished_at");
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

    /** The agent is about to be asked (this receive's attempt); the body is the prompt. */
    public StageEvent processing(@Body String prompt, Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        String at = now();
        String caller = exchange.getProperty(FlowProperties.CALLER, String.class);
        JsonNode request = exchange.getProperty(FlowProperties.REQUEST, JsonNode.class);
        return new StageEvent(TrackingStatus.PROCESSING, at, receive, "asking the agent", r -> {
            TrackingRecord.putMax(r, "agent_attempts", receive);
            TrackingRecord.putEarliest(r, "processing_started_at", at);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            describeRequest(r, request);
            if (prompt != null) {
                r.put("prompt", prompt);
            }
        });
    }

    /** The agent's transient errors outlasted the route's retries: the request stays on the queue for later. */
    public StageEvent agentRetrying(Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        ObjectNode error = agentError(cause);
        return new StageEvent(TrackingStatus.PROCESSING, now(), receive,
                "agent error " + error.path("code").asText() + ": left on the queue for a later attempt", r -> {
                    TrackingRecord.putMax(r, "agent_attempts", receive);
                    r.set("last_error", error);
                });
    }

    /**
     * The agent stage's result (answered, or failed for good); the body is the delivery message, which the
     * record keeps so that a later receive of the same request re-enqueues it instead of asking again. Written
     * in line ({@link #NOW}), before the message is enqueued and the request deleted. Null for a body that is
     * no delivery message.
     */
    public StageEvent agentFinished(@Body String body, Exchange exchange) {
        Optional<ObjectNode> message = parse(body);
        if (message.isEmpty()) {
            return null;
        }
        ObjectNode delivery = message.get();
        boolean answered = "answered".equals(delivery.path("status").asText());
        String at = delivery.path("answered_at").asText(now());
        JsonNode error = delivery.get("error");
        String detail = answered ? "the agent answered" : "the agent could not answer: " + delivery.path("error").path("code").asText("unknown");
        return new StageEvent(answered ? TrackingStatus.ANSWERED : TrackingStatus.FAILED, at,
                DeadLetters.receiveCount(exchange), detail, r -> {
                    r.set("delivery_message", delivery);
                    r.put("answered_at", at);
                    TrackingRecord.putIfAbsent(r, "session_id", delivery.path("session_id").asText(null));
                    if (delivery.hasNonNull("agent_duration_ms")) {
                        r.put("agent_duration_ms", delivery.get("agent_duration_ms").asLong());
                    }
                    if (!answered && error != null && error.isObject()) {
                        r.set("last_error", error);
                    }
                    describeRequest(r, delivery.get("webhook_request"));
                });
    }

    // --- webhook-deliver ---

    /** An HTTP attempt is about to be made (the first of this receive). */
    public StageEvent delivering(Exchange exchange) {
        int attempt = attempts.number(exchange);
        return new StageEvent(TrackingStatus.DELIVERING, now(), attempt,
                DeadLetters.receiveCount(exchange) > 1 ? "delivering (scheduled retry)" : "delivering",
                r -> TrackingRecord.putMax(r, "delivery_attempts", attempt));
    }

    /** Another attempt follows a failed one (the delivery error handler's {@code onRedelivery} step). */
    public StageEvent deliveryRetry(Exchange exchange) {
        return deliveryFailed(exchange, failure -> "retrying after " + failure.detail());
    }

    /** The in-route retries are spent: the message waits on the queue for the next step of the schedule. */
    public StageEvent deliveryDeferred(@ExchangeProperty(FlowProperties.NEXT_ATTEMPT_IN) String wait, Exchange exchange) {
        return deliveryFailed(exchange, failure -> failure.detail() + "; next attempt in " + wait);
    }

    /** A failed HTTP attempt: status "delivering" with the attempt number and the failure. */
    private StageEvent deliveryFailed(Exchange exchange, Function<Failure, String> detail) {
        int attempt = attempts.number(exchange);
        Failure failure = deliveryFailure(exchange);
        return new StageEvent(TrackingStatus.DELIVERING, now(), attempt, detail.apply(failure), r -> {
            TrackingRecord.putMax(r, "delivery_attempts", attempt);
            failure.applyTo(r);
        });
    }

    /**
     * How the delivery ended ({@code delivered} or {@code dead_lettered}) and after how many attempts, noted
     * on the exchange while its headers still say so, for {@link #deliveryEnded}.
     */
    public void outcome(Exchange exchange, String outcome) {
        exchange.setProperty(DELIVERY_OUTCOME, outcome);
        exchange.setProperty(DeliveryAttempts.PROPERTY, attempts.number(exchange));
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null) {
            exchange.setProperty(DELIVERED_STATUS, status);
        }
    }

    /** The delivery has ended ({@link #DELIVERY_OUTCOME}): the record's final status ({@link #END}). */
    public StageEvent deliveryEnded(Exchange exchange) {
        int attempt = attempts.number(exchange);
        String at = now();
        boolean delivered = TrackingStatus.DELIVERED.wireName().equals(exchange.getProperty(DELIVERY_OUTCOME, String.class));
        if (delivered) {
            int status = exchange.getProperty(DELIVERED_STATUS, 200, Integer.class);
            return new StageEvent(TrackingStatus.DELIVERED, at, attempt, "HTTP " + status, r -> {
                TrackingRecord.putMax(r, "delivery_attempts", attempt);
                r.put("last_http_status", status);
                r.put("finished_at", at);
            });
        }
        Failure failure = deliveryFailure(exchange);
        return new StageEvent(TrackingStatus.DEAD_LETTERED, at, attempt, failure.detail() + ": dead-lettered", r -> {
            TrackingRecord.putMax(r, "delivery_attempts", attempt);
            failure.applyTo(r);
            r.put("finished_at", at);
        });
    }

    // --- the record ---

    /**
     * One update of the record with the changes in order (the changes of the moment that the record-change step
     * put together); returns the record as written. When the first is the intake's "queued", the record is new:
     * it is created without being read first ({@link S3RecordStore#create}). {@link RecordStoreUnavailable}
     * when the store cannot be used (the route retries it).
     */
    public ObjectNode write(@ExchangeProperty(FlowProperties.TRACKING_ID) String id, @Body List<StageEvent> events) {
        UnaryOperator<ObjectNode> change = current -> {
            ObjectNode record = current;
            for (StageEvent event : events) {
                record = TrackingRecord.apply(record, id, event);
            }
            return record;
        };
        boolean fresh = events.get(0).status() == TrackingStatus.QUEUED;
        return fresh ? store.create(id, change) : store.update(id, change);
    }

    /** The record as read, for the export of a delivery's end whose write was given up (null if none). */
    public ObjectNode storedRecord(@ExchangeProperty(STORED_RECORD) S3RecordStore.Stored stored) {
        return stored == null ? null : stored.record();
    }

    private String now() {
        return Timestamps.now(clock);
    }

    private static void describeRequest(ObjectNode record, JsonNode request) {
        if (request == null || !request.isObject()) {
            return;
        }
        TrackingRecord.putIfAbsent(record, "request", request);
        TrackingRecord.putIfAbsent(record, "source_system", request.path("source_system").asText(null));
        TrackingRecord.putIfAbsent(record, "source_process", request.path("source_process").asText(null));
    }

    private static Optional<ObjectNode> parse(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode agentError(Exception cause) {
        ObjectNode error = Json.object();
        if (cause instanceof AgentCallException agent) {
            error.put("code", agent.errorCode());
            error.put("message", agent.getMessage());
        } else {
            error.put("code", cause == null ? "unknown" : cause.getClass().getSimpleName());
            error.put("message", "the agent call failed");
        }
        return error;
    }

    /** What went wrong with a delivery attempt: an HTTP status, or the class of a network error (never a URL). */
    record Failure(Integer httpStatus, String code, String detail) {

        void applyTo(ObjectNode record) {
            if (httpStatus != null) {
                record.put("last_http_status", httpStatus);
            }
            ObjectNode error = record.putObject("last_error");
            error.put("code", code);
            error.put("message", detail);
        }
    }

    private static Failure deliveryFailure(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        if (cause instanceof HttpOperationFailedException http) {
            return new Failure(http.getStatusCode(), "HTTP_" + http.getStatusCode(), "the receiver answered HTTP " + http.getStatusCode());
        }
        Integer status = exchange.getProperty(FlowProperties.HTTP_STATUS, Integer.class);
        if (cause == null && status != null) {
            return new Failure(status, "HTTP_" + status, "the receiver answered HTTP " + status);
        }
        String name = cause == null ? "unknown" : cause.getClass().getSimpleName();
        return new Failure(null, name, "the receiver could not be reached (" + name + ")");
    }
}
