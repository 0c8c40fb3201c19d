package gateway.delivery;

import java.time.Duration;
import java.util.Optional;

import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The long retry schedule, carried by SQS: when the short in-route retries are spent, the message is
 * left on the deliveries queue with its visibility set to the next delay of {@code DELIVERY_SCHEDULE}
 * (1m, 5m, 30m, 2h, 6h by default); the receive count says which step this is.
 */
public class DeliverySchedule {

    private final RetrySchedule schedule;
    private final SqsClient sqs;
    private final String queueName;
    private volatile String queueUrl;

    public DeliverySchedule(RetrySchedule schedule, SqsClient sqs, String queueName) {
        this.schedule = schedule;
        this.sqs = sqs;
        this.queueName = queueName;
    }

    public boolean hasNextAttempt(Exchange exchange) {
        return next(exchange).isPresent();
    }

    /** Hides the message until its next attempt; it is not deleted. */
    public void defer(Exchange exchange) {
        Duration delay = next(exchange).orElseThrow();
        String receipt = exchange.getMessage().getHeader(DeadLetters.RECEIPT_HANDLE, String.class);
        sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl()).receiptHandle(receipt)
                .visibilityTimeout((int) delay.toSeconds()));
        exchange.setProperty("next_attempt_in", delay.toString());
    }

    private Optional<Duration> next(Exchange exchange) {
        return schedule.nextVisibilityDelay(DeadLetters.receiveCount(exchange));
    }

    private String queueUrl() {
        if (queueUrl == null) {
            queueUrl = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
        }
        return queueUrl;
    }
}
