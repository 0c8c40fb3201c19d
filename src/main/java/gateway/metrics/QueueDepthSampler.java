package gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Samples the depth of every queue and DLQ (visible and in-flight messages) on a fixed period into
 * the gauge {@code gateway_queue_messages{queue,state}}: the number to alert on when a DLQ is not empty.
 */
public class QueueDepthSampler extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepthSampler.class);

    private final CamelContext context;
    private final SqsClient sqs;
    private final FlowMetrics metrics;
    private final List<String> queues;
    private final long periodSeconds;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;

    public QueueDepthSampler(CamelContext context, SqsClient sqs, FlowMetrics metrics, List<String> queues,
                             long periodSeconds) {
        this.context = context;
        this.sqs = sqs;
        this.metrics = metrics;
        this.queues = List.copyOf(queues);
        this.periodSeconds = periodSeconds;
    }

    @Override
    protected void doStart() {
        for (String queue : queues) {
            gauge(queue, "visible");
            gauge(queue, "in_flight");
        }
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "queue-depth-sampler");
        executor.scheduleWithFixedDelay(this::sample, 0, periodSeconds, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
        }
    }

    void sample() {
        for (String queue : queues) {
            try {
                String url = urls.computeIfAbsent(queue, q -> sqs.getQueueUrl(r -> r.queueName(q)).queueUrl());
                Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                values.get(queue + "/visible").set(Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)));
                values.get(queue + "/in_flight").set(Long.parseLong(
                        attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
            } catch (RuntimeException e) {
                LOG.debug("Could not sample the depth of {}: {}", queue, e.getMessage());
            }
        }
    }

    private void gauge(String queue, String state) {
        AtomicLong value = values.computeIfAbsent(queue + "/" + state, k -> new AtomicLong());
        Gauge.builder("gateway.queue.messages", value, AtomicLong::get)
                .description("Messages in each queue and dead-letter queue (sampled)")
                .tags("queue", queue, "state", state)
                .register(metrics.registry());
    }
}
