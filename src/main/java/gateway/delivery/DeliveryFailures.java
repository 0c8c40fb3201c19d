package gateway.delivery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What a failed delivery attempt means. Retryable: 408, 429, 5xx, timeouts and connection errors.
 * Permanent: any other status (other 4xx, and 3xx since redirects are not followed). As the error
 * handler's {@code onExceptionOccurred} step it also honours the receiver's {@code Retry-After}
 * (within bounds) by setting the next redelivery delay.
 */
public class DeliveryFailures implements Processor {

    private final RetryPolicy policy;

    public DeliveryFailures(RetryPolicy policy) {
        this.policy = policy;
    }

    public boolean isRetryable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        if (cause instanceof HttpOperationFailedException failed) {
            return DeliveryOutcome.classify(failed.getStatusCode()) == DeliveryOutcome.RETRYABLE;
        }
        return cause instanceof IOException;
    }

    /** Records the status of the failed attempt and, where the receiver sent {@code Retry-After}, the delay. */
    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        if (cause instanceof HttpOperationFailedException failed) {
            exchange.setProperty("http_status", failed.getStatusCode());
            String retryAfter = failed.getResponseHeaders() == null ? null
                    : failed.getResponseHeaders().entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                        .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
            RetryAfter.parse(retryAfter, Instant.now())
                    .map(policy::boundRetryAfter)
                    .map(Duration::toMillis)
                    .ifPresent(ms -> exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, ms));
        }
    }
}
