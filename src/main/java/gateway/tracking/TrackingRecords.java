package gateway.tracking;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentCallException;
import gateway.delivery.DeliveryTarget;
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
 *
 * <p>A result goes to one or more targets, each a delivery of its own ({@link FlowProperties#WEBHOOK_ID},
 * {@link FlowProperties#DELIVERY_TARGET}): the delivery stage's changes fill that delivery's entry in the record
 * ({@link DeliveryEntries}) as well as the record's own fields, and the record's status follows its deliveries.
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
    /**
     * Exchange property set by {@link #lookup}: the record's {@code deliveries} (an {@link ObjectNode} keyed by
     * webhook id, see {@link DeliveryEntries}) when it has them; {@link DeliveryEntries#notStarted} reads it.
     */
    public static final String STORED_DELIVERIES = "stored_deliveries";
    /** Exchange property: how the delivery ended, {@code delivered} or {@code dead_lettered}. */
    public static final String DELIVERY_OUTCOME = "delivery_outcome";
    static final String DELIVERED_STATUS = "delivered_http_status";
    /**
     * Exchange property set by the write of the agent stage's result ({@link #agentFinished}): true when the record
     * was found cancelled by its caller meanwhile. The result is then not kept, and not delivered.
     */
    public static final String RECORD_CANCELLED = "record_cancelled";

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
     *
     * <p>The targets chosen for the result ({@link FlowProperties#DELIVERY_TARGETS}) each get a "pending"
     * delivery entry. When none was chosen (no endpoint subscribes to the event type) the request is over at
     * once: status "delivered" with the reason, after the agent's own step in the history. Without the
     * property (a stage that does not choose targets) the record has no deliveries, as before.
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
        TrackingStatus agentStatus = answered ? TrackingStatus.ANSWERED : TrackingStatus.FAILED;
        int receive = DeadLetters.receiveCount(exchange);
        List<DeliveryTarget> targets = targets(exchange);
        boolean nobody = targets != null && targets.isEmpty();
        String eventType = answered ? "query.answered" : "query.failed";
        return new StageEvent(nobody ? TrackingStatus.DELIVERED : agentStatus, at, receive,
                nobody ? "no endpoint subscribes to " + eventType : detail, r -> {
                    // its caller cancelled it meanwhile: the result is not kept, and the stage does not deliver it
                    // (the write is in line: the stage reads this when the write is done)
                    boolean cancelled = TrackingRecord.status(r) == TrackingStatus.CANCELLED;
                    exchange.setProperty(RECORD_CANCELLED, cancelled);
                    if (cancelled) {
                        return;
                    }
                    if (targets != null) {
                        DeliveryEntries.dropPendingOthers(r, targets.stream().map(DeliveryTarget::webhookId).collect(Collectors.toSet()));
                        targets.forEach(t -> DeliveryEntries.entry(r, t.webhookId(), t, at));
                    }
                    if (nobody) {
                        // the agent's step first (the same instant: the history's sort keeps this order)
                        TrackingRecord.addHistory(r, agentStatus, at, receive, detail);
                        r.put("finished_at", at);
                    }
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

    // --- webhook-cancel ---

    /**
     * The caller cancelled the question ({@code DELETE /webhook/{tracking_id}}); the body is the {@code query.cancelled}
     * delivery message. Written in line ({@link #NOW}) before anything else: status "cancelled", final
     * ({@link TrackingStatus#CANCELLED}); the message kept as the record's delivery message, and each target of
     * {@link FlowProperties#DELIVERY_TARGETS} a "pending" delivery (none chosen: the request is over at once). A record
     * the agent stage has finished meanwhile ({@link TrackingRecord#cancellable}) is left as it is: the cancel route
     * reads the record back and answers 409. Null for a body that is no delivery message.
     */
    public StageEvent cancelled(@Body String body, Exchange exchange) {
        Optional<ObjectNode> message = parse(body);
        if (message.isEmpty()) {
            return null;
        }
        ObjectNode cancellation = message.get();
        String at = cancellation.path("answered_at").asText(now());
        List<DeliveryTarget> targets = targets(exchange);
        boolean nobody = targets != null && targets.isEmpty();
        return new StageEvent(TrackingStatus.CANCELLED, at, null,
                "cancelled by the caller" + (nobody ? "; no endpoint subscribes to query.cancelled" : ""), r -> {
                    if (!TrackingRecord.cancellable(r)) {
                        return;
                    }
                    if (targets != null) {
                        DeliveryEntries.dropPendingOthers(r, targets.stream().map(DeliveryTarget::webhookId).collect(Collectors.toSet()));
                        targets.forEach(t -> DeliveryEntries.entry(r, t.webhookId(), t, at));
                    }
                    if (nobody) {
                        r.put("finished_at", at);
                    }
                    r.set("delivery_message", cancellation);
                    r.put("cancelled_at", at);
                });
    }

    // --- webhook-deliver ---

    /** An HTTP attempt is about to be made (the first of this receive): the record and the delivery "delivering". */
    public StageEvent delivering(Exchange exchange) {
        int attempt = attempts.number(exchange);
        String at = now();
        Delivery delivery = Delivery.of(exchange);
        return new StageEvent(TrackingStatus.DELIVERING, at, attempt,
                delivery.detail(DeadLetters.receiveCount(exchange) > 1 ? "delivering (scheduled retry)" : "delivering"), r -> {
                    TrackingRecord.putMax(r, "delivery_attempts", attempt);
                    ObjectNode entry = delivery.entry(r, at);
                    if (entry != null) {
                        DeliveryEntries.advance(entry, DeliveryStatus.DELIVERING, at, null);
                    }
                });
    }

    /** Another attempt follows a failed one (the delivery error handler's {@code onRedelivery} step). */
    public StageEvent deliveryRetry(Exchange exchange) {
        return deliveryFailed(exchange, null, failure -> "retrying after " + failure.detail());
    }

    /**
     * The in-route retries are spent: the message waits on the queue for the next step of the schedule;
     * {@code wait} is that step's delay ({@link Duration#toString()}), the delivery's {@code next_attempt_at}.
     */
    public StageEvent deliveryDeferred(@ExchangeProperty(FlowProperties.NEXT_ATTEMPT_IN) String wait, Exchange exchange) {
        return deliveryFailed(exchange, wait, failure -> failure.detail() + "; next attempt in " + wait);
    }

    /** A failed HTTP attempt: status "delivering" with the attempt number and the failure, in the attempt log too. */
    private StageEvent deliveryFailed(Exchange exchange, String wait, Function<Failure, String> detail) {
        int attempt = attempts.number(exchange);
        Instant instant = clock.instant();
        String at = Timestamps.format(instant);
        String nextAttemptAt = nextAttemptAt(instant, wait);
        Failure failure = deliveryFailure(exchange);
        Delivery delivery = Delivery.of(exchange);
        ObjectNode logged = failure.attempt(at, exchange);
        return new StageEvent(TrackingStatus.DELIVERING, at, attempt, delivery.detail(detail.apply(failure)), r -> {
            TrackingRecord.putMax(r, "delivery_attempts", attempt);
            failure.applyTo(r);
            ObjectNode entry = delivery.entry(r, at);
            if (entry != null) {
                DeliveryEntries.addAttempt(entry, logged.deepCopy());
                DeliveryEntries.advance(entry, DeliveryStatus.DELIVERING, at, nextAttemptAt);
            }
        });
    }

    private static String nextAttemptAt(Instant now, String wait) {
        if (wait == null) {
            return null;
        }
        try {
            return Timestamps.format(now.plus(Duration.parse(wait)));
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
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

    /**
     * The delivery has ended ({@link #DELIVERY_OUTCOME}): its last attempt in the attempt log, the delivery
     * delivered or dead-lettered, and the record's status from all its deliveries ({@link #END}; the request is
     * over, and exported, only when every delivery has ended: {@link #exportDue}).
     */
    public StageEvent deliveryEnded(Exchange exchange) {
        int attempt = attempts.number(exchange);
        String at = now();
        Delivery delivery = Delivery.of(exchange);
        boolean delivered = TrackingStatus.DELIVERED.wireName().equals(exchange.getProperty(DELIVERY_OUTCOME, String.class));
        if (delivered) {
            int status = exchange.getProperty(DELIVERED_STATUS, 200, Integer.class);
            ObjectNode logged = DeliveryEntries.attempt(at, status, exchange.getProperty(FlowProperties.ATTEMPT_DURATION_MS, Long.class),
                    null, null, exchange.getProperty(FlowProperties.RESPONSE_EXCERPT, String.class));
            return new StageEvent(TrackingStatus.DELIVERED, at, attempt, delivery.detail("HTTP " + status), r -> {
                TrackingRecord.putMax(r, "delivery_attempts", attempt);
                r.put("last_http_status", status);
                r.put("finished_at", at);
                ObjectNode entry = delivery.entry(r, at);
                if (entry != null) {
                    DeliveryEntries.addAttempt(entry, logged.deepCopy());
                    DeliveryEntries.advance(entry, DeliveryStatus.DELIVERED, at, null);
                }
            });
        }
        Failure failure = deliveryFailure(exchange);
        // dead-lettered without an attempt of its own (moved to the DLQ by SQS): nothing new in the attempt log
        ObjectNode logged = attempted(exchange) ? failure.attempt(at, exchange) : null;
        return new StageEvent(TrackingStatus.DEAD_LETTERED, at, attempt, delivery.detail(failure.detail() + ": dead-lettered"), r -> {
            TrackingRecord.putMax(r, "delivery_attempts", attempt);
            failure.applyTo(r);
            r.put("finished_at", at);
            ObjectNode entry = delivery.entry(r, at);
            if (entry != null) {
                if (logged != null) {
                    DeliveryEntries.addAttempt(entry, logged.deepCopy());
                }
                DeliveryEntries.advance(entry, DeliveryStatus.DEAD_LETTERED, at, null);
            }
        });
    }

    /**
     * Whether the exchange made an HTTP attempt (timed, answered, or failed on the way: an HTTP or I/O error), not
     * only got to the end (a dead letter SQS moved: {@link gateway.sqs.MovedBySqs}).
     */
    private static boolean attempted(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        return exchange.getProperty(FlowProperties.ATTEMPT_DURATION_MS) != null
                || exchange.getProperty(FlowProperties.HTTP_STATUS) != null
                || cause instanceof HttpOperationFailedException || cause instanceof IOException;
    }

    // --- resend ---

    /**
     * The caller asked for the stored result to be delivered again ({@code POST /webhook/{id}/resend}): status
     * "delivering" whatever it was, every delivery back to "pending" with nothing scheduled (the attempts stay),
     * not finished. Null when there is no record or the agent stage has not finished ({@link #agentDone}).
     */
    public StageEvent resent(@ExchangeProperty(STORED_RECORD) S3RecordStore.Stored stored, Exchange exchange) {
        if (stored == null || !agentDone(stored.record())) {
            return null;
        }
        String at = now();
        return StageEvent.restart(TrackingStatus.DELIVERING, at, null, "resend requested", r -> {
            DeliveryEntries.resetAll(r, at);
            r.remove("finished_at");
        });
    }

    // --- what the routes read from a record ---

    /**
     * The targets of the record's deliveries, in the order they were chosen (those the record can name: see
     * {@link DeliveryEntries#targets}); empty for a record without deliveries.
     */
    public static List<DeliveryTarget> targets(ObjectNode record) {
        return DeliveryEntries.targets(DeliveryEntries.of(record));
    }

    /** True once the agent stage has finished: its result (the delivery message) is in the record. */
    public static boolean agentDone(ObjectNode record) {
        TrackingStatus status = TrackingRecord.status(record);
        return status != null && status.agentDone() && record.path("delivery_message").isObject();
    }

    /**
     * True when the request is over: the record's status has ended and so has every one of its deliveries
     * (one target's end while another is still being delivered is not the request's end).
     */
    public static boolean requestOver(ObjectNode record) {
        TrackingStatus status = record == null ? null : TrackingRecord.status(record);
        return status != null && status.ended() && DeliveryEntries.allEnded(record);
    }

    /**
     * The record-writer's export filter: a delivery's end ({@link #END}) whose written record says the request is
     * over ({@link #requestOver}); or whose write was given up (the export then reads the record, as before).
     */
    public boolean exportDue(@ExchangeProperty(WRITE) String write, @ExchangeProperty(WRITTEN_RECORD) ObjectNode written) {
        return END.equals(write) && (written == null || requestOver(written));
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
            error.put("message", agent.callerMessage());
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

        /** The failed attempt's entry in the attempt log, with the duration and response the stage noted. */
        ObjectNode attempt(String at, Exchange exchange) {
            return DeliveryEntries.attempt(at, httpStatus, exchange.getProperty(FlowProperties.ATTEMPT_DURATION_MS, Long.class),
                    code, detail, exchange.getProperty(FlowProperties.RESPONSE_EXCERPT, String.class));
        }
    }

    /**
     * The delivery a delivery-stage exchange is making: its webhook id ({@link FlowProperties#WEBHOOK_ID}, else the
     * target's) and target ({@link FlowProperties#DELIVERY_TARGET}, may be absent).
     */
    private record Delivery(String webhookId, DeliveryTarget target) {

        static Delivery of(Exchange exchange) {
            DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET) instanceof DeliveryTarget t ? t : null;
            String webhookId = exchange.getProperty(FlowProperties.WEBHOOK_ID, String.class);
            if (webhookId == null && target != null) {
                webhookId = target.webhookId();
            }
            return new Delivery(webhookId, target);
        }

        /** The history's detail, naming the target (its label, never its URL) when there is one. */
        String detail(String detail) {
            return target == null ? detail : target.label() + ": " + detail;
        }

        /**
         * This delivery's entry in the record (created if absent). Without a webhook id (a dead letter moved by SQS,
         * say) the record's only delivery that has not ended, if there is exactly one; else null.
         */
        ObjectNode entry(ObjectNode record, String at) {
            String id = webhookId != null ? webhookId : DeliveryEntries.onlyUnended(record);
            return id == null ? null : DeliveryEntries.entry(record, id, target, at);
        }
    }

    /** The targets chosen for the result, or null when the stage chose none (the property is absent). */
    private static List<DeliveryTarget> targets(Exchange exchange) {
        Object chosen = exchange.getProperty(FlowProperties.DELIVERY_TARGETS);
        if (!(chosen instanceof List<?> list)) {
            return null;
        }
        List<DeliveryTarget> targets = new ArrayList<>(list.size());
        for (Object target : list) {
            if (target instanceof DeliveryTarget t) {
                targets.add(t);
            }
        }
        return targets;
    }

    /** The error code of a delivery the SSRF guard refused. */
    static final String BLOCKED_ADDRESS = "blocked_address";

    /** The guard's refusal, here or as the cause of another exception (its message starts with {@link #BLOCKED_ADDRESS}). */
    private static boolean blockedAddress(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith(BLOCKED_ADDRESS)) {
                return true;
            }
        }
        return false;
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
        if (blockedAddress(cause)) {
            // the SSRF guard refused the address (gateway.net.BlockedAddressException): permanent, never the address
            return new Failure(null, BLOCKED_ADDRESS, "the receiver's address is not allowed (" + BLOCKED_ADDRESS + ")");
        }
        String name = cause == null ? "unknown" : cause.getClass().getSimpleName();
        return new Failure(null, name, "the receiver could not be reached (" + name + ")");
    }
}
