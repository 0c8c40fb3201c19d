package gateway.tracking;

import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;

/**
 * Numbers the HTTP attempts of one delivery across the in-route retries and the SQS receives of the long
 * schedule: each receive makes up to {@code 1 + DELIVERY_RETRY_MAX} attempts, so attempt =
 * (receive - 1) × (1 + retries) + redeliveries so far + 1.
 */
public final class DeliveryAttempts {

    /** Exchange property: the attempt number, once noted (the redelivery header does not outlive the DLQ steps). */
    public static final String PROPERTY = "delivery_attempt";

    private final int retryMax;

    public DeliveryAttempts(int retryMax) {
        this.retryMax = Math.max(0, retryMax);
    }

    /** The number of the attempt this exchange is making (or, in an error handler, has just made). */
    public int number(Exchange exchange) {
        Integer noted = exchange.getProperty(PROPERTY, Integer.class);
        if (noted != null) {
            return noted;
        }
        int receive = Math.max(1, DeadLetters.receiveCount(exchange));
        int redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return (receive - 1) * (retryMax + 1) + redeliveries + 1;
    }
}
