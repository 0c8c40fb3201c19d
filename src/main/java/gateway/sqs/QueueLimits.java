package gateway.sqs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How many receives SQS allows each work queue before its redrive policy moves a message to the DLQ
 * ({@code maxReceiveCount}), read from the queues themselves at start. The routes ask
 * {@link #isLastReceive}: on the last receive the gateway ends the conversation itself (failure webhook,
 * terminal status, DLQ entry with its reason) instead of letting SQS move the message in silence. A work queue that
 * must be FIFO (the requests queue) and is not is refused here too.
 */
public final class QueueLimits {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLimits.class);

    /**
     * A work queue: the setting that names it, its role in the routes ({@code requests}, {@code deliveries}), its name,
     * and whether it must be a FIFO queue (the requests queue: the order within a session rests on it).
     */
    public record WorkQueue(String setting, String role, String name, boolean fifo) {
    }

    private final Map<String, Integer> maxReceivesByRole;

    public QueueLimits(Map<String, Integer> maxReceivesByRole) {
        this.maxReceivesByRole = Map.copyOf(maxReceivesByRole);
    }

    /**
     * Reads each queue's redrive policy. A queue without one (no DLQ) is refused when {@code dlqRequired}
     * (prod), else allowed with a WARN: nothing then bounds its receives.
     */
    public static QueueLimits read(SqsClient sqs, boolean dlqRequired, WorkQueue... queues) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (WorkQueue queue : queues) {
            String setting = queue.setting();
            String url = sqs.getQueueUrl(r -> r.queueName(queue.name())).queueUrl();
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.FIFO_QUEUE)).attributes();
            if (queue.fifo() && !"true".equalsIgnoreCase(attributes.get(QueueAttributeName.FIFO_QUEUE))) {
                // on a standard queue the questions of one session would silently reach the agent out of order
                throw new IllegalStateException(setting + " " + queue.name() + " is a standard queue: it must be a FIFO "
                        + "queue (a name ending in .fifo, FifoQueue=true) so the questions of a session reach the agent in order");
            }
            String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
            OptionalInt max = maxReceiveCount(policy);
            if (max.isPresent()) {
                limits.put(queue.role(), max.getAsInt());
            } else if (dlqRequired) {
                throw new IllegalStateException(setting + " " + queue.name() + " has no dead-letter queue (no RedrivePolicy "
                        + "with a maxReceiveCount): give it one (k8s/aws/gateway-resources.yaml does)");
            } else {
                LOG.warn("{} {} has no dead-letter queue: its messages are retried without end", setting, queue.name());
            }
        }
        LOG.info("Receives SQS allows before the DLQ (maxReceiveCount), by queue role: {}", limits);
        return new QueueLimits(limits);
    }

    /** The {@code maxReceiveCount} of a {@code RedrivePolicy} attribute (a JSON text), if any. */
    static OptionalInt maxReceiveCount(String redrivePolicy) {
        if (redrivePolicy == null || redrivePolicy.isBlank()) {
            return OptionalInt.empty();
        }
        JsonNode max;
        try {
            max = Json.MAPPER.readTree(redrivePolicy).path("maxReceiveCount");
        } catch (JsonProcessingException e) {
            return OptionalInt.empty();
        }
        int value = max.isNumber() ? max.asInt() : max.isTextual() ? Integer.parseInt(max.asText().strip()) : 0;
        return value > 0 ? OptionalInt.of(value) : OptionalInt.empty();
    }

    /** The receives SQS allows the queue of {@code role}, if its redrive policy bounds them. */
    public OptionalInt maxReceives(String role) {
        Integer max = maxReceivesByRole.get(role);
        return max == null ? OptionalInt.empty() : OptionalInt.of(max);
    }

    /** Whether this receive of a message of the queue of {@code role} is the last one SQS allows. */
    public boolean isLastReceive(Exchange exchange, String role) {
        OptionalInt max = maxReceives(role);
        return max.isPresent() && DeadLetters.receiveCount(exchange) >= max.getAsInt();
    }
}
