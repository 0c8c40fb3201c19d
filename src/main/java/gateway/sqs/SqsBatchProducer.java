package gateway.sqs;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultAsyncProducer;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Turns an exchange into its batch entry (the message to send, the receipt handle to delete, or the receipt
 * handle and the new visibility timeout) and hands
 * it to its {@link SqsBatchEndpoint}. Asynchronous: the calling thread is free at once; the route goes on
 * when the entry's batch call has answered.
 */
public class SqsBatchProducer extends DefaultAsyncProducer {

    /** aws2-sqs's own rule for which headers stay out of the message attributes (Camel's, breadcrumbId). */
    private static final HeaderFilterStrategy CAMEL_HEADERS = new Sqs2HeaderFilterStrategy();

    public SqsBatchProducer(SqsBatchEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public SqsBatchEndpoint getEndpoint() {
        return (SqsBatchEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message in = exchange.getMessage();
        SqsBatchOperation operation = getEndpoint().getOperation();
        if (operation != SqsBatchOperation.sendMessage) {
            String handle = in.getHeader(SqsBatchConstants.RECEIPT_HANDLE, String.class);
            if (handle == null || handle.isEmpty()) {
                return refuse(exchange, callback, "no " + SqsBatchConstants.RECEIPT_HANDLE + " header");
            }
            if (operation == SqsBatchOperation.deleteMessage) {
                getEndpoint().submit(exchange, callback, handle, 0);
                return false;
            }
            Integer seconds = in.getHeader(SqsBatchConstants.VISIBILITY_TIMEOUT, Integer.class);
            if (seconds == null) {
                return refuse(exchange, callback, "no " + SqsBatchConstants.VISIBILITY_TIMEOUT + " header");
            }
            getEndpoint().submit(exchange, callback, ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id("0").receiptHandle(handle).visibilityTimeout(seconds).build(), 0);
            return false;
        }
        String body = in.getBody(String.class);
        if (body == null) {
            return refuse(exchange, callback, "the message body is empty");
        }
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            MessageAttributeValue value = attribute(header.getValue());
            if (value != null && !CAMEL_HEADERS.applyFilterToCamelHeaders(header.getKey(), header.getValue(), exchange)) {
                attributes.put(header.getKey(), value);
                // SQS counts name, type and value towards the message size
                bytes += header.getKey().length() + value.dataType().length()
                        + (value.stringValue() == null ? 0 : value.stringValue().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id("0") // the call numbers the entries of its batch
                .messageBody(body)
                .messageAttributes(attributes);
        // a FIFO queue's group and deduplication id: only when given (a standard queue refuses them)
        String group = in.getHeader(SqsBatchConstants.MESSAGE_GROUP_ID, String.class);
        if (group != null && !group.isEmpty()) {
            entry.messageGroupId(group);
        }
        String deduplication = in.getHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, String.class);
        if (deduplication != null && !deduplication.isEmpty()) {
            entry.messageDeduplicationId(deduplication);
        }
        getEndpoint().submit(exchange, callback, entry.build(), bytes);
        return false;
    }

    private boolean refuse(Exchange exchange, AsyncCallback callback, String why) {
        exchange.setException(new IllegalArgumentException("sqs-batch " + getEndpoint().getOperation() + ": " + why));
        callback.done(true);
        return true;
    }

    /** As {@code aws2-sqs}: non-empty strings and numbers become attributes; other values are left out. */
    private static MessageAttributeValue attribute(Object value) {
        if (value instanceof String s && !s.isEmpty()) {
            return MessageAttributeValue.builder().dataType("String").stringValue(s).build();
        }
        if (value instanceof Number n) {
            return MessageAttributeValue.builder().dataType("Number").stringValue(n.toString()).build();
        }
        return null;
    }
}
