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

    /** A failed attempt: by the receiver's status; without one, retryable when the receiver could not be reached. */
    public static DeliveryOutcome classify(Throwable failure) {
        if (failure instanceof HttpOperationFailedException failed) {
            return classify(failed.getStatusCode());
        }
        if (failure instanceof BlockedAddressException) {
            return PERMANENT;
        }
        return failure instanceof IOException ? RETRYABLE : PERMANENT;
    }
}
