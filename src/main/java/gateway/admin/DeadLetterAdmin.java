package gateway.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import gateway.sqs.DeadLetterQueues;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What an operator does with dead letters: list them (reason, attempts, tracking id) without taking
 * them off the DLQ, and redrive all of them, or one, back to the queue they came from.
 */
public class DeadLetterAdmin {

    /** Attributes that describe the failure; they stay behind when a message is redriven. */
    private static final Set<String> FAILURE_ATTRIBUTES = Set.of(DeadLetters.REASON, DeadLetters.STAGE,
            DeadLetters.ATTEMPTS, DeadLetters.FAILED_AT, DeadLetters.HTTP_STATUS);
    private static final int HIDE_SECONDS = 30;

    private final SqsClient sqs;
    private final Map<String, String> queues;

    /** @param queues the work queues by short name, e.g. {@code requests -> webhook-requests} */
    public DeadLetterAdmin(SqsClient sqs, Map<String, String> queues) {
        this.sqs = sqs;
        this.queues = Map.copyOf(queues);
    }

    public boolean knows(String name) {
        return queues.containsKey(name);
    }

    /** Up to {@code max} dead letters of a queue; they stay on the DLQ, visible again at once. */
    public ObjectNode list(String name, int max) {
        String dlqUrl = url(DeadLetterQueues.of(queues.get(name)));
        List<Message> seen = receive(dlqUrl, max);
        reveal(dlqUrl, seen);
        ObjectNode result = Json.object();
        result.put("queue", queues.get(name));
        result.put("dead_letter_queue", DeadLetterQueues.of(queues.get(name)));
        ArrayNode items = result.putArray("messages");
        for (Message m : seen) {
            ObjectNode item = items.addObject();
            item.put("message_id", m.messageId());
            item.put("tracking_id", attribute(m, "tracking_id"));
            item.put("reason", attribute(m, DeadLetters.REASON));
            item.put("stage", attribute(m, DeadLetters.STAGE));
            item.put("attempts", attribute(m, DeadLetters.ATTEMPTS));
            item.put("http_status", attribute(m, DeadLetters.HTTP_STATUS));
            item.put("failed_at", attribute(m, DeadLetters.FAILED_AT));
            item.put("dead_lettered_by", attribute(m, DeadLetters.REASON) == null ? "sqs-redrive-policy" : "gateway");
            item.put("receive_count", m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        }
        result.put("count", items.size());
        return result;
    }

    /**
     * Up to {@code max} dead letters of a queue that SQS's redrive policy moved there by itself (they carry none
     * of the gateway's failure attributes: a crash during the last receive, or a receive count spent by
     * crashes); they stay hidden for a while for the caller to handle, the gateway's own entries are visible again
     * at once.
     */
    public List<Message> movedBySqs(String name, int max) {
        String dlqUrl = url(DeadLetterQueues.of(queues.get(name)));
        List<Message> moved = new ArrayList<>();
        List<Message> others = new ArrayList<>();
        for (Message m : receive(dlqUrl, max)) {
            (attribute(m, DeadLetters.REASON) == null ? moved : others).add(m);
        }
        reveal(dlqUrl, others);
        return moved;
    }

    /** Moves dead letters back to their queue: all of them, or only {@code messageId} when given. */
    public ObjectNode redrive(String name, String messageId, int max) {
        String queueUrl = url(queues.get(name));
        String dlqUrl = url(DeadLetterQueues.of(queues.get(name)));
        List<String> moved = new ArrayList<>();
        List<Message> others = new ArrayList<>();
        for (Message m : receive(dlqUrl, max)) {
            if (messageId != null && !messageId.equals(m.messageId())) {
                others.add(m);
                continue;
            }
            Map<String, MessageAttributeValue> attributes = new HashMap<>(m.messageAttributes());
            attributes.keySet().removeAll(FAILURE_ATTRIBUTES);
            // counted, so the agent stage knows a failure it stored may be asked again (a new conversation)
            attributes.put(DeadLetters.REDRIVES, MessageAttributeValue.builder().dataType("String")
                    .stringValue(Integer.toString(redrives(m) + 1)).build());
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(m.body()).messageAttributes(attributes));
            sqs.deleteMessage(r -> r.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
            moved.add(m.messageId());
        }
        reveal(dlqUrl, others);
        ObjectNode result = Json.object();
        result.put("queue", queues.get(name));
        result.put("redriven", moved.size());
        ArrayNode ids = result.putArray("message_ids");
        moved.forEach(ids::add);
        return result;
    }

    private List<Message> receive(String url, int max) {
        List<Message> all = new ArrayList<>();
        while (all.size() < max) {
            int batch = Math.min(10, max - all.size());
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(batch)
                    .visibilityTimeout(HIDE_SECONDS).waitTimeSeconds(0).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
            if (got.isEmpty()) {
                break;
            }
            all.addAll(got);
        }
        return all;
    }

    private void reveal(String url, List<Message> messages) {
        for (int i = 0; i < messages.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message m : messages.subList(i, Math.min(messages.size(), i + 10))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).receiptHandle(m.receiptHandle()).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
        }
    }

    private String url(String queueName) {
        return sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
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
