package gateway.tracking;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
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
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The steps the routes call to keep each request's {@link TrackingRecord} up to date, one per stage.
 * Most only queue their change ({@link PendingRecordWrites}): a record writer writes it off the route's
 * path, together with the record's other changes of the moment (one PUT for "queued" + "processing" in
 * the normal flow). The agent's result is written in line, because the never-pay-twice check
 * ({@link #lookup}) needs it before the request message is deleted; so is the delivery's end (which runs
 * on a writer already), each carrying what still waits for its record. A store that cannot be used is retried a little ({@link StoreRetry}), then
 * logged, counted and left behind: no step here ever fails or holds up a message.
 */
public class TrackingRecords {

    /** Exchange property: the stored status, set by {@link #lookup} when the agent stage already finished. */
    public static final String STORED_STATUS = "stored_status";
    /** Exchange property set by {@link #lookup}: the code of the last error the record noted, if any. */
    public static final String STORED_LAST_ERROR = "stored_last_error";
    /** Exchange property: the delivery message the agent stage stored (JSON), set by {@link #lookup}. */
    public static final String STORED_DELIVERY = "stored_delivery_message";
    /** Exchange property: how the delivery ended, {@code delivered} or {@code dead_lettered}. */
    public static final String DELIVERY_OUTCOME = "delivery_outcome";
    static final String DELIVERED_STATUS = "delivered_http_status";
    static final String TAP_TIME = "record_tap_time";

    private final S3RecordStore store;
    private final StoreRetry retry;
    private final Clock clock;
    private final DeliveryAttempts attempts;
    private final PendingRecordWrites pending;

    /** Every change written as soon as a writer is free (no coalescing wait). */
    public TrackingRecords(S3RecordStore store, StoreRetry retry, Clock clock, DeliveryAttempts attempts, Executor writers) {
        this(store, retry, clock, attempts, writers, null, 0);
    }

    /**
     * @param writers     the record writers' pool
     * @param timer       holds a change {@code writeDelayMillis} so that the record's next changes join it
     * @param writeDelayMillis how long a change waits for company ({@link PendingRecordWrites}); 0: none
     */
    public TrackingRecords(S3RecordStore store, StoreRetry retry, Clock clock, DeliveryAttempts attempts, Executor writers,
            ScheduledExecutorService timer, long writeDelayMillis) {
        this.store = store;
        this.retry = retry;
        this.clock = clock;
        this.attempts = attempts;
        this.pending = new PendingRecordWrites(writers, timer, writeDelayMillis, this::writeAll);
    }

    /** The changes waiting to be written (to flush on shutdown). */
    public PendingRecordWrites pending() {
        return pending;
    }

    // --- webhook-intake ---

    /** The request is on the requests queue; property {@code webhook_request} is the request as parsed. */
    public void queued(Exchange exchange) {
        String queuedAt = exchange.getProperty(FlowProperties.QUEUED_AT, String.class);
        String caller = exchange.getProperty("caller", String.class);
        JsonNode request = exchange.getProperty(FlowProperties.REQUEST, JsonNode.class);
        StageEvent event = new StageEvent(TrackingStatus.QUEUED, queuedAt != null ? queuedAt : now(), null, null, r -> {
            TrackingRecord.putEarliest(r, "queued_at", queuedAt);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            describeRequest(r, request);
        });
        // a tracking id the intake has just made up: no record to read first (see #writeAll)
        write(exchange, event);
    }

    // --- agent-invoke ---

    /**
     * Before the agent is called: has an earlier receive of this request already got the agent's result (a
     * crash between writing it and deleting the request)? Sets {@link #STORED_STATUS} and, when the record
     * holds it, {@link #STORED_DELIVERY}. A store that cannot be read counts as "no": the agent is called.
     *
     * <p>Only an EARLIER receive of the same request can have stored a result, so on the first receive
     * ({@code ApproximateReceiveCount} 1 of the intake's own message, see {@link FirstReceive}) the record
     * is not read at all: that saves an S3 read in line on nearly every request. From the second receive
     * on, and for a message redriven from the DLQ (its receive count starts again at 1), it is read.
     */
    public void lookup(Exchange exchange) {
        if (FirstReceive.of(exchange, exchange.getProperty(FlowProperties.QUEUED_AT, String.class))) {
            return;
        }
        String id = trackingId(exchange);
        int redrives = DeadLetters.redrives(exchange);
        retry.attempt("read", id, () -> store.read(id)).flatMap(found -> found).ifPresent(stored -> {
            TrackingStatus status = TrackingRecord.status(stored.record());
            if (redrives > stored.record().path("redrives").asInt(0) && !DeadLetters.swept(exchange)) {
                // an operator redrove it from the DLQ: the conversation starts again, and a failure stored by an
                // earlier receive is no reason not to ask (an answer still is: never pay twice)
                boolean failed = "failed".equals(stored.record().path("delivery_message").path("status").asText());
                redriven(id, redrives, failed);
                if (failed) {
                    return;
                }
            }
            exchange.setProperty(STORED_LAST_ERROR, stored.record().path("last_error").path("code").asText(null));
            if (status != null && status.agentDone()) {
                exchange.setProperty(STORED_STATUS, status.wireName());
                JsonNode message = stored.record().get("delivery_message");
                if (message != null && message.isObject()) {
                    exchange.setProperty(STORED_DELIVERY, Json.write(message));
                }
            }
        });
    }

    /** Records a redrive: status "processing" again whatever it was; a stored failure is dropped (asked again). */
    private void redriven(String id, int redrives, boolean dropFailure) {
        writeNow(id, StageEvent.restart(TrackingStatus.PROCESSING, now(), null,
                "redriven from the requests DLQ (#" + redrives + ")" + (dropFailure ? ": the agent is asked again" : ""), r -> {
                    r.put("redrives", redrives);
                    if (dropFailure) {
                        r.remove("delivery_message");
                        r.remove("finished_at");
                    }
                }));
    }

    /** The agent is about to be asked (this receive's attempt); the body is the prompt. */
    public void processing(Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        String at = now();
        String prompt = exchange.getMessage().getBody(String.class);
        String caller = exchange.getProperty("caller", String.class);
        JsonNode request = exchange.getProperty(FlowProperties.REQUEST, JsonNode.class);
        write(exchange, new StageEvent(TrackingStatus.PROCESSING, at, receive, "asking the agent", r -> {
            TrackingRecord.putMax(r, "agent_attempts", receive);
            TrackingRecord.putEarliest(r, "processing_started_at", at);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            describeRequest(r, request);
            if (prompt != null) {
                r.put("prompt", prompt);
            }
        }));
    }

    /** The agent's transient errors outlasted the route's retries: the request stays on the queue for later. */
    public void agentRetrying(Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        ObjectNode error = agentError(cause);
        write(exchange, new StageEvent(TrackingStatus.PROCESSING, now(), receive,
                "agent error " + error.path("code").asText() + ": left on the queue for a later attempt", r -> {
                    TrackingRecord.putMax(r, "agent_attempts", receive);
                    r.set("last_error", error);
                }));
    }

    /**
     * The agent stage's result (answered, or failed for good); the body is the delivery message, which the
     * record keeps so that a later receive of the same request re-enqueues it instead of asking again.
     * Written in line, before the message is enqueued and the request deleted.
     */
    public void agentFinished(Exchange exchange) {
        Optional<ObjectNode> message = parse(exchange.getMessage().getBody(String.class));
        if (message.isEmpty()) {
            return;
        }
        ObjectNode delivery = message.get();
        boolean answered = "answered".equals(delivery.path("status").asText());
        String at = delivery.path("answered_at").asText(now());
        JsonNode error = delivery.get("error");
        String detail = answered ? "the agent answered" : "the agent could not answer: " + delivery.path("error").path("code").asText("unknown");
        String id = trackingId(exchange);
        StageEvent event = new StageEvent(answered ? TrackingStatus.ANSWERED : TrackingStatus.FAILED, at,
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
        // in line, carrying the changes still waiting for this record (the intake's, "processing")
        writeNow(id, event);
    }

    // --- webhook-deliver ---

    /** An HTTP attempt is about to be made (the first of this receive). */
    public void delivering(Exchange exchange) {
        int attempt = attempts.number(exchange);
        write(exchange, new StageEvent(TrackingStatus.DELIVERING, now(), attempt,
                DeadLetters.receiveCount(exchange) > 1 ? "delivering (scheduled retry)" : "delivering",
                r -> TrackingRecord.putMax(r, "delivery_attempts", attempt)));
    }

    /** The error handler's {@code onRedelivery} step: another attempt follows a failed one (written on the pool). */
    public Processor deliveryRetry() {
        return exchange -> deliveryFailed(exchange, failure -> "retrying after " + failure.detail());
    }

    /**
     * The in-route retries are spent: the message waits on the queue for the next step of the schedule.
     * Called in line from a {@code choice}; the change is queued for the record writers like the others.
     */
    public void deliveryDeferred(Exchange exchange) {
        String wait = exchange.getProperty("next_attempt_in", String.class);
        deliveryFailed(exchange, failure -> failure.detail() + "; next attempt in " + wait);
    }

    /** A failed HTTP attempt: status "delivering" with the attempt number and the failure. */
    private void deliveryFailed(Exchange exchange, Function<Failure, String> detail) {
        int attempt = attempts.number(exchange);
        Failure failure = deliveryFailure(exchange);
        write(exchange, new StageEvent(TrackingStatus.DELIVERING, now(), attempt, detail.apply(failure), r -> {
            TrackingRecord.putMax(r, "delivery_attempts", attempt);
            failure.applyTo(r);
        }));
    }

    /**
     * How the delivery ended ({@code delivered} or {@code dead_lettered}) and after how many attempts, noted
     * on the exchange while its headers still say so, for {@link #deliveryEnded} (which runs from a wireTap).
     */
    public void outcome(Exchange exchange, String outcome) {
        exchange.setProperty(DELIVERY_OUTCOME, outcome);
        exchange.setProperty(DeliveryAttempts.PROPERTY, attempts.number(exchange));
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null) {
            exchange.setProperty(DELIVERED_STATUS, status);
        }
    }

    /** The delivery has ended ({@link #DELIVERY_OUTCOME}); returns the final record for the export (null if unwritten). */
    public ObjectNode deliveryEnded(Exchange exchange) {
        int attempt = attempts.number(exchange);
        String at = tapTime(exchange);
        boolean delivered = TrackingStatus.DELIVERED.wireName().equals(exchange.getProperty(DELIVERY_OUTCOME, String.class));
        StageEvent event;
        if (delivered) {
            int status = exchange.getProperty(DELIVERED_STATUS, 200, Integer.class);
            event = new StageEvent(TrackingStatus.DELIVERED, at, attempt, "HTTP " + status, r -> {
                TrackingRecord.putMax(r, "delivery_attempts", attempt);
                r.put("last_http_status", status);
                r.put("finished_at", at);
            });
        } else {
            Failure failure = deliveryFailure(exchange);
            event = new StageEvent(TrackingStatus.DEAD_LETTERED, at, attempt, failure.detail() + ": dead-lettered", r -> {
                TrackingRecord.putMax(r, "delivery_attempts", attempt);
                failure.applyTo(r);
                r.put("finished_at", at);
            });
        }
        return writeNow(trackingId(exchange), event);
    }

    /** The record as stored, for the status endpoint; {@link RecordStoreUnavailable} when it cannot be read. */
    public Optional<ObjectNode> find(String trackingId) {
        return retry.orThrow("read", trackingId, () -> store.read(trackingId)).map(S3RecordStore.Stored::record);
    }

    // ---

    /** Queues the stage's change: written by a record writer, with the record's other changes of the moment. */
    private void write(Exchange exchange, StageEvent event) {
        String id = trackingId(exchange);
        if (id != null) {
            pending.submit(id, event);
        }
    }

    /** Writes the change now, in this thread, with whatever still waits for the same record. */
    private ObjectNode writeNow(String id, StageEvent event) {
        if (id == null) {
            return null;
        }
        List<StageEvent> events = new ArrayList<>(pending.take(id));
        events.add(event);
        return writeAll(id, events);
    }

    /**
     * One update of the record with the changes in order. When the first is the intake's "queued", the
     * record is new: it is created without being read first ({@link S3RecordStore#create}).
     */
    private ObjectNode writeAll(String id, List<StageEvent> events) {
        UnaryOperator<ObjectNode> change = current -> {
            ObjectNode record = current;
            for (StageEvent event : events) {
                record = TrackingRecord.apply(record, id, event);
            }
            return record;
        };
        boolean fresh = events.get(0).status() == TrackingStatus.QUEUED;
        return retry.attempt("write", id, () -> fresh ? store.create(id, change) : store.update(id, change)).orElse(null);
    }

    private String now() {
        return Timestamps.now(clock);
    }

    /**
     * The wireTaps' {@code onPrepare} step ({@code tapTime}): stamps the copy with the moment of the stage, in
     * the route's thread, so the record tells when it happened however long the write waits for a writer.
     */
    public Processor tapTimeStamp() {
        return exchange -> exchange.setProperty(TAP_TIME, now());
    }

    /** When the stage happened, for steps run from a wireTap (see {@link #tapTimeStamp}). */
    private String tapTime(Exchange exchange) {
        String at = exchange.getProperty(TAP_TIME, String.class);
        return at != null ? at : now();
    }

    private static String trackingId(Exchange exchange) {
        return exchange.getProperty("tracking_id", String.class);
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
        Integer status = exchange.getProperty(DeadLetters.HTTP_STATUS, Integer.class);
        if (cause == null && status != null) {
            return new Failure(status, "HTTP_" + status, "the receiver answered HTTP " + status);
        }
        String name = cause == null ? "unknown" : cause.getClass().getSimpleName();
        return new Failure(null, name, "the receiver could not be reached (" + name + ")");
    }
}
