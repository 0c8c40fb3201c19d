package gateway.delivery;

/**
 * What an HTTP status from the receiver means for a delivery (Standard Webhooks, "Delivery
 * success and failure"):
 * <ul>
 *   <li>{@link #SUCCESS}: any 2xx, including 204 (the original counted 204 as a failure);</li>
 *   <li>{@link #RETRYABLE}: 408 Request Timeout, 429 Too Many Requests, every 5xx, and any
 *       status outside 200-499 that a broken proxy may invent;</li>
 *   <li>{@link #PERMANENT}: every other 4xx, and 3xx because redirects are not followed (the
 *       receiver's URL should be fixed instead).</li>
 * </ul>
 * Timeouts and connection errors have no status; they are retryable too, which the route says
 * where it catches them.
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
}
