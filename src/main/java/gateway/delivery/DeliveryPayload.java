package gateway.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.render.MarkdownPlainText;

/**
 * Builds the outbound webhook body from a delivery message. The shape is the original system's
 * (see reference/original-system.md, "Outbound webhook") plus {@code type}, {@code status} and,
 * on failure, {@code error}; the webhook URL is no longer echoed. Field order is fixed:
 * <pre>{"type":"query.answered"|"query.failed"|"query.cancelled","status":"answered"|"failed"|"cancelled","tracking_id",
 *  "source_system","source_process","original_query",
 *  "ai_response":{"response","response_plain","session_id","timestamp"},
 *  "webhook_metadata":{"delivered_at"},
 *  "error":{"code","message"[,"transient":true]}}  (error only when failed; transient for a passing cause)</pre>
 * For a failed query {@code ai_response.response} and {@code response_plain} are null (the object
 * stays, so receivers need no second shape); so are they for a cancelled query ({@code DELETE /webhook/{tracking_id}}),
 * which has no {@code error} (the caller asked for it: nothing went wrong). {@code ai_response.timestamp} is the message's
 * {@code answered_at}. When an answer arrives without {@code response_plain} it is rendered here
 * from the markdown. A failure without an error object gets
 * {@code {"code":"unknown_error","message":"The query could not be answered."}}.
 *
 * <p>Thread-safe. The body is compact JSON in UTF-8 (non-ASCII characters are not escaped); sign
 * exactly the string returned.
 */
public final class DeliveryPayload {

    private static final String DEFAULT_ERROR_CODE = "unknown_error";
    private static final String DEFAULT_ERROR_MESSAGE = "The query could not be answered.";

    private final ObjectMapper mapper;
    private final MarkdownPlainText plainText;

    public DeliveryPayload(ObjectMapper mapper, MarkdownPlainText plainText) {
        this.mapper = mapper;
        this.plainText = plainText;
    }

    /** The webhook body for a parsed delivery message, stamped with {@code deliveredAt}. */
    public String build(DeliveryMessage message, Instant deliveredAt) {
        try {
            return mapper.writeValueAsString(toJson(message, deliveredAt));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise webhook payload for " + message.trackingId(), e);
        }
    }

    private ObjectNode toJson(DeliveryMessage message, Instant deliveredAt) {
        boolean answered = message.answered();
        ObjectNode body = mapper.createObjectNode();
        body.put("type", message.eventType());
        body.put("status", message.status());
        body.put("tracking_id", message.trackingId());
        body.put("source_system", message.sourceSystem());
        body.put("source_process", message.sourceProcess());
        body.put("original_query", message.query());

        ObjectNode ai = body.putObject("ai_response");
        ai.put("response", answered ? message.response() : null);
        ai.put("response_plain", answered ? plain(message) : null);
        ai.put("session_id", message.sessionId());
        ai.put("timestamp", message.answeredAt());

        body.putObject("webhook_metadata")
                .put("delivered_at", deliveredAt.truncatedTo(ChronoUnit.MILLIS).toString());

        if (!answered && !message.cancelled()) {
            ObjectNode error = body.putObject("error");
            error.put("code", message.errorCode() != null ? message.errorCode() : DEFAULT_ERROR_CODE);
            error.put("message", message.errorMessage() != null ? message.errorMessage() : DEFAULT_ERROR_MESSAGE);
            if (message.errorTransient()) {
                // a passing error (throttling, timeouts) that outlasted every attempt: asking again later may work
                error.put("transient", true);
            }
        }
        return body;
    }

    private String plain(DeliveryMessage message) {
        if (message.responsePlain() != null) {
            return message.responsePlain();
        }
        return message.response() == null ? null : plainText.render(message.response());
    }
}
