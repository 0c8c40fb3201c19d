package gateway.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeException;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery error handler's two steps (and, after every failed attempt, its {@link AttemptReport}). {@link #isRetryable} is its {@code onWhen}: whether the failed attempt
 * is retried, as {@link DeliveryOutcome} says. As its {@code onExceptionOccurred} step it notes the receiver's
 * status and honours its {@code Retry-After}: the next redelivery waits what the receiver asked, kept within
 * [{@code DELIVERY_RETRY_AFTER_MIN_MS}, {@code DELIVERY_RETRY_AFTER_MAX_MS}] (a receiver may slow us down, but
 * cannot park a consumer for an hour: longer waits are the long schedule's). Without a usable {@code Retry-After}
 * the route's redelivery policy (the {@code DELIVERY_RETRY_*} backoff) decides the wait. It also names the failure for
 * the log ({@link FlowProperties#FAILURE}, {@link DeliveryOutcome#describe}) and logs each failed attempt that will be
 * tried again (Camel's own retry line would quote the receiver's URL).
 */
public class DeliveryFailures implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    private final Duration retryAfterMin;
    private final Duration retryAfterMax;
    private final Clock clock;

    public DeliveryFailures(Duration retryAfterMin, Duration retryAfterMax, Clock clock) {
        if (retryAfterMax == null || retryAfterMax.isZero() || retryAfterMax.isNegative()) {
            throw new IllegalArgumentException("Retry-After max must be positive");
        }
        if (retryAfterMin == null || retryAfterMin.isNegative() || retryAfterMin.compareTo(retryAfterMax) > 0) {
            throw new IllegalArgumentException("Retry-After min must be between 0 and the max");
        }
        this.retryAfterMin = retryAfterMin;
        this.retryAfterMax = retryAfterMax;
        this.clock = clock;
    }

    public boolean isRetryable(@ExchangeException Exception failure) {
        return DeliveryOutcome.classify(failure) == DeliveryOutcome.RETRYABLE;
    }

    /**
     * Whether a failed attempt says its endpoint is not taking deliveries: retryable, or 410 Gone (or a destination's
     * answer that pauses it like one: Slack's {@code channel_not_found}, a Teams workflow gone).
     */
    public boolean isRetryableOrGone(@ExchangeException Exception failure) {
        return isRetryable(failure) || gone(failure);
    }

    /** 410 Gone, or a destination's failure that pauses its endpoint ({@link DestinationFailure#pausesEndpoint()}). */
    public static boolean gone(Throwable failure) {
        return failure instanceof HttpOperationFailedException http && http.getStatusCode() == 410
                || failure instanceof DestinationFailure destination && destination.pausesEndpoint();
    }

    /** The receiver's HTTP status of a failed attempt (a webhook's, a chat service's); null when none answered. */
    public Integer status(@ExchangeException Exception failure) {
        return DeliveryOutcome.failure(failure, null).httpStatus();
    }

    /**
     * A refusal in a few words for the log: {@code HTTP 400} for a webhook, with the code of a chat service's or an AWS
     * destination's error ({@code HTTP 400, slack_invalid_payload}; the code alone without a status). Never a URL.
     */
    public String refusal(@ExchangeException Exception failure) {
        DeliveryOutcome.Failure what = DeliveryOutcome.failure(failure, null);
        if (!(failure instanceof DestinationFailure)) {
            return what.httpStatus() != null ? "HTTP " + what.httpStatus() : what.code();
        }
        return what.httpStatus() != null ? "HTTP " + what.httpStatus() + ", " + what.code() : what.code();
    }

    /** Notes the status of the failed attempt and, where the receiver sent {@code Retry-After}, the next delay. */
    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        // for the route's log lines and this one: the receiver's status or the error, never its URL
        String failure = DeliveryOutcome.describe(cause);
        exchange.setProperty(FlowProperties.FAILURE, failure);
        if (DeliveryOutcome.classify(cause) == DeliveryOutcome.RETRYABLE) {
            Object target = exchange.getProperty(FlowProperties.DELIVERY_TARGET);
            // Camel has counted this failure already when it runs this step: 1 after the first attempt of this receive
            LOG.warn("Delivery attempt {} to {} failed: {}", Math.max(1, exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class)),
                    target instanceof DeliveryTarget t ? t.label() : "its receiver", failure);
        }
        // how long the attempt took and what the receiver answered, for the attempt log
        AttemptReport.failed(exchange, cause);
        if (cause instanceof HttpOperationFailedException failed) {
            exchange.setProperty(FlowProperties.HTTP_STATUS, failed.getStatusCode());
            retryAfter(failed.getResponseHeaders())
                    .ifPresent(delay -> exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis()));
        } else if (cause instanceof DestinationFailure destination) {
            // a chat service's or an AWS destination's failure: its status, and the wait it asked for, bounded alike
            if (destination.httpStatus() != null) {
                exchange.setProperty(FlowProperties.HTTP_STATUS, destination.httpStatus());
            }
            if (destination.retryable()) {
                destination.retryAfter().map(this::bounded)
                        .ifPresent(delay -> exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis()));
            }
        }
    }

    /** The receiver's {@code Retry-After} (any case), within bounds; empty when absent or unparseable. */
    Optional<Duration> retryAfter(Map<String, String> responseHeaders) {
        String value = responseHeaders == null ? null : responseHeaders.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return RetryAfter.parse(value, clock.instant()).map(this::bounded);
    }

    private Duration bounded(Duration requested) {
        if (requested.compareTo(retryAfterMin) < 0) {
            return retryAfterMin;
        }
        return requested.compareTo(retryAfterMax) > 0 ? retryAfterMax : requested;
    }
}
