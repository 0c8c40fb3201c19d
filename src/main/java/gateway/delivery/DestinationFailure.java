package gateway.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * A delivery to a chat service or an AWS destination that did not succeed, with what it means for the delivery: tried
 * again ({@link Action#RETRY}, after {@link #retryAfter()} when the service asked), the endpoint paused and the
 * delivery parked ({@link Action#PAUSE}: the destination is gone or refuses until its owner acts, as a webhook's
 * {@code 410 Gone}), or dead-lettered at once ({@link Action#DEAD_LETTER}: the message itself is refused).
 *
 * <p>{@code code} names the error for the record, the log and the dead letter ({@code slack_channel_not_found},
 * {@code sqs_access_denied}, {@code HTTP_503}); it and the message never hold a URL, an ARN's account, a secret or an AWS
 * error's own text. {@code httpStatus} is the service's status when it answered over HTTP (null for none).
 */
public class DestinationFailure extends RuntimeException {

    /** What the delivery does next. */
    public enum Action {
        RETRY, PAUSE, DEAD_LETTER
    }

    private final Action action;
    private final String code;
    private final Integer httpStatus;
    private final Duration retryAfter;

    public DestinationFailure(Action action, String code, Integer httpStatus, Duration retryAfter, String message) {
        super(message, null, false, false);
        this.action = action;
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public Action action() {
        return action;
    }

    public String code() {
        return code;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean retryable() {
        return action == Action.RETRY;
    }

    public boolean pausesEndpoint() {
        return action == Action.PAUSE;
    }

    /** {@link DeliveryOutcome}'s word for it: a pause is not retried. */
    public DeliveryOutcome outcome() {
        return action == Action.RETRY ? DeliveryOutcome.RETRYABLE : DeliveryOutcome.PERMANENT;
    }
}
