package gateway.delivery;

import java.io.IOException;

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
