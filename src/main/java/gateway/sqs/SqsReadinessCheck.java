package gateway.sqs;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Readiness: the gateway is not ready while the requests queue cannot be reached, so Kubernetes sends
 * it no traffic that it would have to answer with 503. A success is taken as good for {@link #UP_FOR_MILLIS} (a
 * readiness probe every 5 s would be 12 SQS calls a minute per replica), unless the consumers' polls of that queue fail
 * meanwhile ({@link SqsPollErrors#isFailing}): then, as after a failure of its own, it asks SQS on every probe.
 */
public class SqsReadinessCheck extends AbstractHealthCheck {

    static final long UP_FOR_MILLIS = 30_000;

    private final SqsClient sqs;
    private final String queue;
    private final BooleanSupplier pollsFailing;
    private volatile long upUntil;

    public SqsReadinessCheck(SqsClient sqs, String queue, BooleanSupplier pollsFailing) {
        super("gateway", "sqs");
        this.sqs = sqs;
        this.queue = queue;
        this.pollsFailing = pollsFailing;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (pollsFailing.getAsBoolean()) {
            upUntil = 0;
        } else if (System.currentTimeMillis() < upUntil) {
            builder.up();
            return;
        }
        try {
            sqs.getQueueUrl(r -> r.queueName(queue));
            upUntil = System.currentTimeMillis() + UP_FOR_MILLIS;
            builder.up();
        } catch (RuntimeException e) {
            upUntil = 0;
            builder.detail("queue", queue);
            builder.message("SQS unreachable: " + e.getClass().getSimpleName());
            builder.down();
        }
    }
}
