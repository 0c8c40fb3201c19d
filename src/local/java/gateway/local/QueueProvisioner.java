package gateway.local;

import java.util.Map;

import gateway.sqs.DeadLetterQueues;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;

/**
 * Creates a work queue and its dead-letter queue {@code <name>-dlq}, with a redrive policy that moves
 * a message to the DLQ after {@code maxReceiveCount} receives. Used where queues are not provisioned
 * by infrastructure (dev, tests); in prod the queues come from the CloudFormation template.
 */
public class QueueProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(QueueProvisioner.class);

    private final SqsClient sqs;

    public QueueProvisioner(SqsClient sqs) {
        this.sqs = sqs;
    }

    public static String deadLetterQueueName(String queue) {
        return DeadLetterQueues.of(queue);
    }

    /** Idempotent: creates what is missing and (re)applies the redrive policy. Returns the queue URL. */
    public String ensureQueueWithDeadLetterQueue(String queue, int maxReceiveCount, int visibilityTimeoutSeconds) {
        String dlqUrl = sqs.createQueue(CreateQueueRequest.builder()
                .queueName(deadLetterQueueName(queue))
                .build()).queueUrl();
        String dlqArn = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN).build())
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(CreateQueueRequest.builder().queueName(queue).build()).queueUrl();
        String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        sqs.setQueueAttributes(SetQueueAttributesRequest.builder()
                .queueUrl(queueUrl)
                .attributes(Map.of(
                        QueueAttributeName.REDRIVE_POLICY, redrivePolicy,
                        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)))
                .build());
        LOG.info("Queue {} ready with dead-letter queue {} (maxReceiveCount={})",
                queue, deadLetterQueueName(queue), maxReceiveCount);
        return queueUrl;
    }
}
