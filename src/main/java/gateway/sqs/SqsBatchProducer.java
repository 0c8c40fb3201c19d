package gateway.sqs;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Turns an exchange into its batch entry (the message to send, or the receipt handle to delete) and hands
 * it to its {@link SqsBatchEndpoint}. Asynchronous: the calling thread is free at once; the route goes on
 * when the entry's batch call has answered.
 */
public class SqsBatchProducer extends DefaultAsyncProducer {

    /** The receipt handle header the {@code aws2-sqs} consumer sets. */
    static final String RECEIPT_HANDLE = "CamelAwsSqsReceiptHandle";

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
        if (getEndpoint().getOperation() == SqsBatchOperation.deleteMessage) {
            String handle = in.getHeader(RECEIPT_HANDLE, String.class);
            if (handle == null || handle.isEmpty()) {
                exchange.setException(new IllegalArgumentException("sqs-batch deleteMessage: no " + RECEIPT_HANDLE + " header"));
                callback.done(true);
                return true;
            }
            getEndpoint().submit(exchange, callback, handle, 0);
            return false;
        }
        String body = in.getBody(String.class);
        if (body == null) {
            exchange.setException(new IllegalArgumentException("sqs-batch sendMessage: the message body is empty"));
            callback.done(true);
            return true;
        }
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            MessageAttributeValue value = attribute(header.getValue());
            if (value != null && !isCamelHeader(header.getKey())) {
                attributes.put(header.getKey(), value);
                // SQS counts name, type and value towards the message size
                bytes += header.getKey().length() + value.dataType().length()
                        + (value.stringValue() == null ? 0 : value.stringValue().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        SendMessageBatchRequestEntry entry = SendMessageBatchRequestEntry.builder()
                .id("0") // the call numbers the entries of its batch
                .messageBody(body)
                .messageAttributes(attributes)
                .build();
        getEndpoint().submit(exchange, callback, entry, bytes);
        return false;
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

    private static boolean isCamelHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("camel") || lower.startsWith("org.apache.camel");
    }
}
