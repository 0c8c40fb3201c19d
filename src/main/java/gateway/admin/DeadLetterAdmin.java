package gateway.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import gateway.sqs.SqsBatchConstants;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What the dead-letter routes ({@code routes.DeadLetterAdminRoute}, {@code routes.DeadLetterSweepRoute}) do with
 * the dead letters of a work queue, besides the sends, deletes and visibility changes the routes make: take them
 * off the DLQ for a while, tell the gateway's own entries from those SQS moved by itself, shape a dead letter for
 * its redrive, and write the operator's answers.
 */
public class DeadLetterAdmin {

    /** Attributes that describe the failure; they stay behind when a message is redriven. */
    private static final Set<String> FAILURE_ATTRIBUTES = Set.of(DeadLetters.REASON, DeadLetters.STAGE,
            DeadLetters.ATTEMPTS, DeadLetters.FAILED_AT, DeadLetters.HTTP_STATUS);
    private static final int HIDE_SECONDS = 30;

    private final SqsClient sqs;
    private final Map<String, String> queues;
    private final Map<String, String> deadLetterQueues;
    /** Each DLQ's URL, asked once (the sweep reads both every DLQ_SWEEP_SECONDS). */
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    /**
     * @param queues the work queues by short name, e.g. {@code requests -> webhook-requests.fifo}
     * @param deadLetterQueues their DLQs by the same names, e.g. {@code requests -> webhook-requests-dlq.fifo}
     */
    public DeadLetterAdmin(SqsClient sqs, Map<String, String> queues, Map<String, String> deadLetterQueues) {
        this.sqs = sqs;
        this.queues = Map.copyOf(queues);
        this.deadLetterQueues = Map.copyOf(deadLetterQueues);
    }

    /** The route that lists a work queue's dead letters (exchange property {@link FlowProperties#DLQ_MAX}). */
    public static String listEndpoint(String queue) {
        return "direct:list-" + queue + "-dead-letters";
    }

    /** The route that redrives them ({@link FlowProperties#DLQ_MAX}, optionally {@link FlowProperties#DLQ_MESSAGE_IDS}). */
    public static String redriveEndpoint(String queue) {
        return "direct:redrive-" + queue + "-dead-letters";
    }

    public boolean knows(String name) {
        return queues.containsKey(name);
    }

    /**
     * Up to {@code max} dead letters of a work queue, hidden on its DLQ for a while: the route that took them
     * deletes them or makes them visible again. A bean, not an endpoint: aws2-sqs has no receive for a producer,
     * and its consumer polls on its own instead of taking a bounded batch when asked.
     */
    public List<Message> receive(String name, int max) {
        String url = urls.computeIfAbsent(name, n -> sqs.getQueueUrl(r -> r.queueName(deadLetterQueues.get(n))).queueUrl());
        List<Message> all = new ArrayList<>();
        while (all.size() < max) {
            int batch = Math.min(10, max - all.size());
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(batch)
                    .visibilityTimeout(HIDE_SECONDS).waitTimeSeconds(0).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (got.isEmpty()) {
                break;
            }
            all.addAll(got);
        }
        return all;
    }

    /**
     * Whether SQS's redrive policy moved this dead letter by itself: it carries none of the gateway's failure
     * attributes (a crash during the last receive, or a receive count spent by crashes).
     */
    public static boolean movedBySqs(@Body Message dead) {
        return attribute(dead, DeadLetters.REASON) == null;
    }

    /** Whether a redrive of {@code messageIds} (of every dead letter, when null) takes this one. */
    public static boolean chosen(@Body Message dead, @ExchangeProperty(FlowProperties.DLQ_MESSAGE_IDS) Set<String> messageIds) {
        return messageIds == null || messageIds.contains(dead.messageId());
    }

    /** The headers that make this dead letter visible again at once ({@code sqs-batch:...?operation=changeMessageVisibility}). */
    public static void visibleAgain(@Body Message dead, @Headers Map<String, Object> headers) {
        headers.put(SqsBatchConstants.RECEIPT_HANDLE, dead.receiptHandle());
        headers.put(SqsBatchConstants.VISIBILITY_TIMEOUT, 0);
    }

    /**
     * The dead letter as the message sent back to its queue: its body, and as headers (the message attributes of the
     * send) its attributes without the failure ones plus one more redrive; its DLQ receipt handle for the delete. From
     * a FIFO DLQ it keeps its group (its agent session) and is deduplicated by its DLQ message id: a redrive repeated
     * after a failed delete leaves one copy.
     */
    public static String redriven(@Body Message dead, @Headers Map<String, Object> headers) {
        headers.clear();
        dead.messageAttributes().forEach((name, value) -> {
            if (!FAILURE_ATTRIBUTES.contains(name) && value.stringValue() != null) {
                headers.put(name, value.stringValue());
            }
        });
        // counted, so the agent stage knows a failure it stored may be asked again (a new conversation)
        headers.put(DeadLetters.REDRIVES, Integer.toString(redrives(dead) + 1));
        headers.put(SqsBatchConstants.RECEIPT_HANDLE, dead.receiptHandle());
        String group = dead.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
        if (group != null) {
            headers.put(SqsBatchConstants.MESSAGE_GROUP_ID, group);
            headers.put(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, dead.messageId());
        }
        return dead.body();
    }

    /**
     * The operator's listing of dead letters: reason, stage, attempts, tracking id, who dead-lettered each, and what
     * it carries ({@link DeadLetterContent}).
     */
    public ObjectNode listing(String name, @Body List<Message> seen) {
        ObjectNode result = Json.object();
        result.put("queue", queues.get(name));
        result.put("dead_letter_queue", deadLetterQueues.get(name));
        ArrayNode items = result.putArray("messages");
        for (Message m : seen) {
            ObjectNode item = items.addObject();
            item.put("message_id", m.messageId());
            item.put("tracking_id", attribute(m, QueueAttributes.TRACKING_ID));
            item.put("reason", attribute(m, DeadLetters.REASON));
            item.put("stage", attribute(m, DeadLetters.STAGE));
            item.put("attempts", attribute(m, DeadLetters.ATTEMPTS));
            item.put("http_status", attribute(m, DeadLetters.HTTP_STATUS));
            item.put("failed_at", attribute(m, DeadLetters.FAILED_AT));
            item.put("dead_lettered_by", movedBySqs(m) ? "sqs-redrive-policy" : "gateway");
            item.put("receive_count", m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            item.set("message", DeadLetterContent.of(m.body()));
        }
        result.put("count", items.size());
        return result;
    }

    /**
     * The operator's answer to a redrive: the ids (on the DLQ) of the dead letters moved back, and those asked for
     * that were not among the dead letters seen ({@code not_found}, empty when none were named).
     */
    public ObjectNode redriveResult(String name, @Body List<?> redrivenIds,
            @ExchangeProperty(FlowProperties.DLQ_MESSAGE_IDS) Set<String> asked) {
        ObjectNode result = Json.object();
        result.put("queue", queues.get(name));
        ArrayNode ids = Json.MAPPER.createArrayNode();
        for (Object id : redrivenIds) {
            if (id instanceof String s) { // no dead letter at all leaves the (empty) received list here
                ids.add(s);
            }
        }
        result.put("redriven", ids.size());
        result.set("message_ids", ids);
        ArrayNode notFound = result.putArray("not_found");
        if (asked != null) {
            Set<String> moved = new HashSet<>();
            ids.forEach(id -> moved.add(id.asText()));
            asked.stream().filter(id -> !moved.contains(id)).forEach(notFound::add);
        }
        return result;
    }

    private static int redrives(Message m) {
        String value = attribute(m, DeadLetters.REDRIVES);
        try {
            return value == null ? 0 : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String attribute(Message m, String name) {
        MessageAttributeValue value = m.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }
}
