package gateway.intake;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.ExchangeProperty;

/**
 * The message the intake puts on the requests queue, exactly the original's shape:
 * {@code {"message_type":"webhook_processing_request","tracking_id","webhook_request","queued_at","attempt":1,"max_attempts":3}},
 * plus {@code "caller":"<API key name>"} when the request was authenticated.
 */
public class RequestQueueMessage {

    public static final String MESSAGE_TYPE = "webhook_processing_request";
    /** SQS attribute values are bounded so that a huge field cannot overflow the message. */
    static final int MAX_ATTRIBUTE_CHARS = 256;

    private final long maxMessageBytes;

    public RequestQueueMessage(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public String build(ObjectNode request,
                        @ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId,
                        @ExchangeProperty(FlowProperties.QUEUED_AT) String queuedAt,
                        @ExchangeProperty(FlowProperties.CALLER) String caller) {
        ObjectNode message = Json.object();
        message.put("message_type", MESSAGE_TYPE);
        message.put("tracking_id", trackingId);
        message.set("webhook_request", request);
        message.put("queued_at", queuedAt);
        message.put("attempt", 1);
        message.put("max_attempts", 3);
        if (caller != null) {
            message.put("caller", caller);
        }
        String body = Json.write(message);
        if (body.length() * 3L > maxMessageBytes && body.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            throw new IntakeRejection(413, "Request body too large for the queue (limit " + maxMessageBytes + " bytes)");
        }
        return body;
    }

    /** The {@code source_system} message attribute of a validated request. */
    public static String sourceSystemAttribute(ObjectNode request) {
        return attributeValue(request.get("source_system").textValue());
    }

    /** A string SQS accepts as an attribute value: XML characters only, bounded length. */
    public static String attributeValue(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_ATTRIBUTE_CHARS));
        value.codePoints().limit(MAX_ATTRIBUTE_CHARS).forEach(cp -> {
            boolean valid = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            out.appendCodePoint(valid ? cp : 0xFFFD);
        });
        return out.toString();
    }
}
