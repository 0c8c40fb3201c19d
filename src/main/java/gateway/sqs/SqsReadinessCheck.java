package gateway.sqs;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Readiness: the gateway is not ready while the requests queue cannot be reached, so Kubernetes sends
 * it no traffic that it would have to answer with 503.
 */
public class SqsReadinessCheck extends AbstractHealthCheck {

    private final SqsClient sqs;
    private final String queue;

    public SqsReadinessCheck(SqsClient sqs, String queue) {
        super("gateway", "sqs");
        this.sqs = sqs;
        this.queue = queue;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            sqs.getQueueUrl(r -> r.queueName(queue));
            builder.up();
        } catch (RuntimeException e) {
            builder.detail("queue", queue);
            builder.message("SQS unreachable: " + e.getClass().getSimpleName());
            builder.down();
        }
    }
}
