package routes;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * A stage that consumes one of the work queues (requests, deliveries): how every such consumer polls, in one place.
 * <ul>
 *   <li>the route deletes a message itself, once its work is safe, never on reading it ({@code deleteAfterRead=false});
 *       a route that fails leaves it on the queue, for SQS to hand out again and, after {@code MAX_RECEIVE_COUNT}
 *       receives, to move to the DLQ;</li>
 *   <li>long polling ({@code SQS_WAIT_TIME_SECONDS}); a message stays invisible for as long as its work takes
 *       ({@code extendMessageVisibility}, renewed {@code SQS_CONSUMER_VISIBILITY_SECONDS} at a time);</li>
 *   <li>every attribute is read (the tracking id, the caller, the receive count, the redrives);</li>
 *   <li>a poll that brought messages is followed at once by the next ({@code greedy}); an empty one by
 *       {@code SQS_POLL_DELAY_MS};</li>
 *   <li>SQS unreachable: a poll every {@code SQS_OUTAGE_BACKOFF_POLLS} pauses, one WARN per outage, one INFO when it is
 *       over, quiet on a stop ({@code gateway.sqs.SqsPollErrors}).</li>
 * </ul>
 */
abstract class WorkQueueRoute extends RouteBuilder {

    /**
     * The route consuming {@code queue} (a placeholder such as {@code {{gateway.queue.requests}}}) with
     * {@code consumers} threads taking up to {@code maxPerPoll} messages a poll (placeholders too).
     */
    protected RouteDefinition fromWorkQueue(String queue, String consumers, String maxPerPoll) {
        return from("aws2-sqs:" + queue
                + "?deleteAfterRead=false"
                + "&waitTimeSeconds={{gateway.sqs.wait-time-seconds}}"
                + "&visibilityTimeout={{gateway.sqs.consumer-visibility-seconds}}&extendMessageVisibility=true"
                + "&messageAttributeNames=All&attributeNames=All"
                + "&maxMessagesPerPoll=" + maxPerPoll + "&concurrentConsumers=" + consumers
                + "&greedy=true&delay={{gateway.sqs.poll-delay-ms}}"
                + "&backoffErrorThreshold=1&backoffMultiplier={{gateway.sqs.outage-backoff-polls}}"
                + "&pollStrategy=#sqsPollErrors&exceptionHandler=#sqsPollErrors");
    }
}
