package gateway.delivery;

import java.time.Duration;
import java.util.Optional;

import gateway.flow.FlowProperties;
import gateway.sqs.DeadLetters;
import gateway.sqs.SqsBatchConstants;
import org.apache.camel.Exchange;

/**
 * The long retry schedule, carried by SQS: when the short in-route retries are spent, the message is
 * left on the deliveries queue with its visibility set to the next delay of {@code DELIVERY_SCHEDULE}
 * (1m, 5m, 30m, 2h, 6h by default); the receive count says which step this is. The route makes the
 * visibility change itself ({@code defer-delivery}); this only says whether there is a next step, and when.
 */
public class DeliverySchedule {

    private final RetrySchedule schedule;

    public DeliverySchedule(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    public boolean hasNextAttempt(Exchange exchange) {
        return next(exchange).isPresent();
    }

    /** Sets the visibility timeout for the next attempt (header, seconds) and {@link FlowProperties#NEXT_ATTEMPT_IN}. */
    public void nextAttempt(Exchange exchange) {
        Duration delay = next(exchange).orElseThrow();
        exchange.getMessage().setHeader(SqsBatchConstants.VISIBILITY_TIMEOUT, (int) delay.toSeconds());
        exchange.setProperty(FlowProperties.NEXT_ATTEMPT_IN, delay.toString());
    }

    private Optional<Duration> next(Exchange exchange) {
        return schedule.nextVisibilityDelay(DeadLetters.receiveCount(exchange));
    }
}
