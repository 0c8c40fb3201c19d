package gateway.delivery;

import java.io.IOException;

import gateway.logging.Redaction;
import gateway.net.BlockedAddressException;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What the receiver's answer means for a delivery (Standard Webhooks, "Delivery success and failure"):
 * the one place that says which attempts are retried.
 * <ul>
 *   <li>{@link #SUCCESS}: any 2xx, including 204 (the original counted 204 as a failure);</li>
 *   <li>{@link #RETRYABLE}: 408 Request Timeout, 429 Too Many Requests, every 5xx, and any
 *       status outside 200-499 that a broken proxy may invent; and timeouts and connection errors
 *       (an {@link IOException}: no status at all);</li>
 *   <li>{@link #PERMANENT}: every other 4xx, and 3xx because redirects are not followed (the
 *       receiver's URL should be fixed instead); and an address the SSRF guard refused
 *       ({@link BlockedAddressException}, an IOException that waiting will not cure).</li>
 * </ul>
 */
public enum DeliveryOutcome {
    SUCCESS, RETRYABLE, PERMANENT;

    public static DeliveryOutcome classify(int httpStatus) {
        if (httpStatus >= 200 && httpStatus <= 299) {
            return SUCCESS;
        }
        if (httpStatus == 408 || httpStatus == 429) {
            return RETRYABLE;
        }
        if (httpStatus >= 300 && httpStatus <= 499) {
            return PERMANENT;
        }
        return RETRYABLE;
    }

    /**
     * A failed attempt in words fit for a log line and a dead letter: the receiver's status, the SSRF guard's or the
     * resolver's reason, or the network error's class and message, never the receiver's URL (Camel's message of a
     * refused POST holds the whole URL, query included; a URL's path may be a credential too, as Slack's are).
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        if (failure instanceof HttpOperationFailedException failed) {
            return "the receiver answered HTTP " + failed.getStatusCode();
        }
        if (failure instanceof DestinationFailure destination) {
            return destination.getMessage(); // the gateway's words: the service, its status and the error's code
        }
        if (failure instanceof BlockedAddressException || failure instanceof UndeliverableTarget) {
            return failure.getMessage(); // the gateway's words: a reason, an address and a range, or an endpoint's name
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + Redaction.redact(withoutUrls(message)));
    }

    /** A network error's message with every URL cut to its scheme, host and port. */
    private static String withoutUrls(String message) {
        return message.replaceAll("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s/?#\"'<>\\[\\]]+)[^\\s\"'<>\\[\\]]*", "$1");
    }

    /** The error code of a delivery the SSRF guard refused. */
    public static final String BLOCKED_ADDRESS = BlockedAddressException.REASON;

    /**
     * What went wrong with a failed attempt, for the tracking record and the caller: the receiver's status (code
     * {@code HTTP_<status>}), the SSRF guard's refusal ({@value #BLOCKED_ADDRESS}), or the class of the network error;
     * never a URL or an address.
     */
    public record Failure(Integer httpStatus, String code, String detail) {
    }

    /**
     * The {@link Failure} of an attempt that threw {@code cause} (null when only the status is known: {@code httpStatus}
     * as the stage noted it).
     */
    public static Failure failure(Throwable cause, Integer httpStatus) {
        if (cause instanceof HttpOperationFailedException http) {
            return new Failure(http.getStatusCode(), "HTTP_" + http.getStatusCode(), "the receiver answered HTTP " + http.getStatusCode());
        }
        if (cause instanceof DestinationFailure destination) {
            // a chat service's or an AWS destination's error, by its code (slack_channel_not_found, HTTP_503)
            return new Failure(destination.httpStatus(), destination.code(), destination.getMessage());
        }
        if (cause == null && httpStatus != null) {
            return new Failure(httpStatus, "HTTP_" + httpStatus, "the receiver answered HTTP " + httpStatus);
        }
        if (blocked(cause)) {
            return new Failure(null, BLOCKED_ADDRESS, "the receiver's address is not allowed (" + BLOCKED_ADDRESS + ")");
        }
        String name = cause == null ? "unknown" : cause.getClass().getSimpleName();
        return new Failure(null, name, "the receiver could not be reached (" + name + ")");
    }

    /** The SSRF guard's refusal, itself or as the cause of another exception (Camel may wrap it). */
    static boolean blocked(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof BlockedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** A failed attempt: by the receiver's status; without one, retryable when the receiver could not be reached. */
    public static DeliveryOutcome classify(Throwable failure) {
        if (failure instanceof HttpOperationFailedException failed) {
            return classify(failed.getStatusCode());
        }
        if (failure instanceof DestinationFailure destination) {
            return destination.outcome();
        }
        if (blocked(failure)) {
            return PERMANENT;
        }
        return failure instanceof IOException ? RETRYABLE : PERMANENT;
    }
}
