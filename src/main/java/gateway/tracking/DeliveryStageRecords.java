package gateway.tracking;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryOutcome;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Timestamps;
import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A result's deliveries in its {@link TrackingRecord}: each attempt, retry, wait and end of one target's delivery
 * ({@link FlowProperties#WEBHOOK_ID}, {@link FlowProperties#DELIVERY_TARGET}) fills that delivery's entry
 * ({@link DeliveryEntries}) as well as the record's own fields, and the record's status follows its deliveries; and a
 * resend. What a failed attempt met is {@link DeliveryOutcome}'s to say ({@link DeliveryOutcome#failure}). Each change
 * is a {@link StageEvent} for the record-change step ({@link RecordWriter#CHANGE}); nothing here calls S3.
 */
public class DeliveryStageRecords {

    /** Exchange property: how the delivery ended, {@code delivered} or {@code dead_lettered}. */
    public static final String DELIVERY_OUTCOME = "delivery_outcome";
    static final String DELIVERED_STATUS = "delivered_http_status";

    private final Clock clock;
    private final DeliveryAttempts attempts;

    public DeliveryStageRecords(Clock clock, DeliveryAttempts attempts) {
        this.clock = clock;
        this.attempts = attempts;
    }

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
        Failure failure = Failure.of(exchange);
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

    /**
     * The delivery is parked: its endpoint is paused. The record stays "delivering"; the delivery is "parked", since
     * {@code parked_since} (kept while it stays parked).
     */
    public StageEvent parked(Exchange exchange) {
        int attempt = attempts.number(exchange);
        String at = now();
        Delivery delivery = Delivery.of(exchange);
        return new StageEvent(TrackingStatus.DELIVERING, at, attempt, delivery.detail("parked: its endpoint is paused"), r -> {
            ObjectNode entry = delivery.entry(r, at);
            if (entry != null) {
                DeliveryEntries.advance(entry, DeliveryStatus.PARKED, at, null);
                DeliveryEntries.parkedSince(entry, at);
            }
        });
    }

    /**
     * A recover ({@code POST /endpoints/{name}/recover}) put this delivery in its endpoint's lane to be sent again: the
     * record and the delivery go back to "delivering" / "parked", whatever they were (a dead letter's end included).
     */
    public StageEvent recovered(Exchange exchange) {
        String at = now();
        Delivery delivery = Delivery.of(exchange);
        return StageEvent.restart(TrackingStatus.DELIVERING, at, null, delivery.detail("recovered: to be sent again"), r -> {
            ObjectNode entry = delivery.entry(r, at);
            if (entry != null) {
                DeliveryEntries.recover(entry, at);
            }
            r.remove("finished_at");
        });
    }

    /** A parked delivery sent as a probe or in a release failed: in the attempt log, and it stays parked. */
    public StageEvent parkedAttemptFailed(Exchange exchange) {
        int attempt = attempts.number(exchange);
        Instant instant = clock.instant();
        String at = Timestamps.format(instant);
        Failure failure = Failure.of(exchange);
        Delivery delivery = Delivery.of(exchange);
        ObjectNode logged = failure.attempt(at, exchange);
        return new StageEvent(TrackingStatus.DELIVERING, at, attempt, delivery.detail(failure.detail() + "; still parked"), r -> {
            failure.applyTo(r);
            ObjectNode entry = delivery.entry(r, at);
            if (entry != null) {
                DeliveryEntries.addAttempt(entry, logged.deepCopy());
                DeliveryEntries.advance(entry, DeliveryStatus.PARKED, at, null);
                DeliveryEntries.parkedSince(entry, at);
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
        Failure failure = Failure.of(exchange);
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

    /**
     * The caller asked for the stored result to be delivered again ({@code POST /webhook/{id}/resend}): status
     * "delivering" whatever it was, every delivery back to "pending" with nothing scheduled (the attempts stay),
     * not finished. Null when there is no record or the agent stage has not finished ({@link TrackingRecord#agentDone}).
     */
    public StageEvent resent(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored, Exchange exchange) {
        if (stored == null || !TrackingRecord.agentDone(stored.record())) {
            return null;
        }
        String at = now();
        return StageEvent.restart(TrackingStatus.DELIVERING, at, null, "resend requested", r -> {
            DeliveryEntries.resetAll(r, at);
            r.remove("finished_at");
        });
    }

    private String now() {
        return Timestamps.now(clock);
    }

    /** What went wrong with a delivery attempt ({@link DeliveryOutcome#failure}), as the record and its attempt log keep it. */
    private record Failure(DeliveryOutcome.Failure what) {

        static Failure of(Exchange exchange) {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (cause == null) {
                cause = exchange.getException();
            }
            return new Failure(DeliveryOutcome.failure(cause, exchange.getProperty(FlowProperties.HTTP_STATUS, Integer.class)));
        }

        String detail() {
            return what.detail();
        }

        void applyTo(ObjectNode record) {
            if (what.httpStatus() != null) {
                record.put("last_http_status", what.httpStatus());
            }
            ObjectNode error = record.putObject("last_error");
            error.put("code", what.code());
            error.put("message", what.detail());
        }

        /** The failed attempt's entry in the attempt log, with the duration and response the stage noted. */
        ObjectNode attempt(String at, Exchange exchange) {
            return DeliveryEntries.attempt(at, what.httpStatus(), exchange.getProperty(FlowProperties.ATTEMPT_DURATION_MS, Long.class),
                    what.code(), what.detail(), exchange.getProperty(FlowProperties.RESPONSE_EXCERPT, String.class));
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

}
