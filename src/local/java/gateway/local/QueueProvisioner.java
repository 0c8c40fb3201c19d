package gateway.local;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;

/**
 * Creates a work queue and its dead-letter queue, with a redrive policy that moves a message to the DLQ after
 * {@code maxReceiveCount} receives. A queue named {@code *.fifo} is created as a FIFO queue, its DLQ too (SQS
 * wants a FIFO queue's DLQ FIFO), with explicit deduplication ids (no content-based deduplication: two equal
 * questions are two requests). Used where queues are not provisioned by infrastructure (dev, tests); in prod the
 * queues come from the CloudFormation template.
 */
public class QueueProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(QueueProvisioner.class);
    static final String FIFO_SUFFIX = ".fifo";

    private final SqsClient sqs;

    public QueueProvisioner(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** Idempotent: creates what is missing and (re)applies the redrive policy. Returns the queue URL. */
    public String ensureQueueWithDeadLetterQueue(String queue, String deadLetterQueue, int maxReceiveCount,
            int visibilityTimeoutSeconds) {
        // each by its own name: a standard requests queue is then refused at start by QueueLimits, in one line
        boolean fifo = queue.endsWith(FIFO_SUFFIX);
        String dlqUrl = sqs.createQueue(create(deadLetterQueue, deadLetterQueue.endsWith(FIFO_SUFFIX))).queueUrl();
        String dlqArn = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN).build())
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(create(queue, fifo)).queueUrl();
        String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        sqs.setQueueAttributes(SetQueueAttributesRequest.builder()
                .queueUrl(queueUrl)
                .attributes(Map.of(
                        QueueAttributeName.REDRIVE_POLICY, redrivePolicy,
                        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)))
                .build());
        LOG.info("Queue {} ready with dead-letter queue {} (maxReceiveCount={}{})",
                queue, deadLetterQueue, maxReceiveCount, fifo ? ", FIFO" : "");
        return queueUrl;
    }

    private static CreateQueueRequest create(String name, boolean fifo) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        }
        return CreateQueueRequest.builder().queueName(name).attributes(attributes).build();
    }
}
