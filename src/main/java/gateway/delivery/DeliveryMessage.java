package gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A message on the <em>deliveries</em> queue, as the agent stage writes it:
 * <pre>{"message_type":"webhook_delivery","tracking_id","webhook_id","status":"answered"|"failed"|"cancelled",
 *  "webhook_request":{query,timestamp,source_system,source_process,...},"response","response_plain",
 *  "session_id","answered_at","queued_at","error":{code,message},"agent_duration_ms",
 *  "target":{"kind","webhook_id","caller","endpoint","url"}}</pre>
 * Only the fields the outbound webhook needs are kept; extras in {@code webhook_request} are ignored.
 * A {@code cancelled} message (the caller's {@code DELETE /webhook/{tracking_id}}) has neither response nor error.
 *
 * @param webhookId the Standard Webhooks {@code webhook-id}, stable across retries; when the
 *                  message has none it is derived from the tracking id ({@code msg_<tracking id>})
 *                  so it is stable all the same
 * @param target    the receiver of this delivery ({@link DeliveryTarget}); null in a message written before
 *                  deliveries went per target, which goes to the default target ({@code WEBHOOK_URL}) as it did
 */
public record DeliveryMessage(
        String trackingId,
        String webhookId,
        boolean answered,
        boolean cancelled,
        String query,
        String sourceSystem,
        String sourceProcess,
        String response,
        String responsePlain,
        String sessionId,
        String answeredAt,
        String queuedAt,
        String errorCode,
        String errorMessage,
        boolean errorTransient,
        Long agentDurationMs,
        DeliveryTarget target) {

    public static final String MESSAGE_TYPE = "webhook_delivery";
    public static final String STATUS_ANSWERED = "answered";
    public static final String STATUS_FAILED = "failed";
    public static final String EVENT_ANSWERED = "query.answered";
    public static final String EVENT_FAILED = "query.failed";
    public static final String STATUS_CANCELLED = "cancelled";
    public static final String EVENT_CANCELLED = "query.cancelled";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The target; for a message written before deliveries went per target, the default one with the message's webhook-id. */
    public DeliveryTarget targetOrDefault() {
        return target != null ? target : new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, null, webhookId);
    }

    /** The event type of the webhook: {@code query.answered}, {@code query.failed} or {@code query.cancelled}. */
    public String eventType() {
        return eventType(status());
    }

    public String status() {
        return answered ? STATUS_ANSWERED : cancelled ? STATUS_CANCELLED : STATUS_FAILED;
    }

    /** The event type of a result of this status ({@code answered}, {@code failed}, {@code cancelled}). */
    public static String eventType(String status) {
        return STATUS_ANSWERED.equals(status) ? EVENT_ANSWERED : STATUS_CANCELLED.equals(status) ? EVENT_CANCELLED : EVENT_FAILED;
    }

    /** Identifiers and status only: the query and the answer stay out of logs. */
    @Override
    public String toString() {
        return "DeliveryMessage[tracking_id=" + trackingId + ", webhook_id=" + webhookId + ", status=" + status()
                + (answered || cancelled ? "" : ", error=" + errorCode) + "]";
    }

    /**
     * Parses a delivery message. Throws {@link IllegalArgumentException} (with a short message
     * that never quotes the body) when it is not JSON, has another {@code message_type}, lacks a
     * {@code tracking_id}, or has a status other than answered/failed/cancelled.
     */
    public static DeliveryMessage parse(String json) {
        JsonNode root;
        try {
            root = json == null ? null : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("delivery message is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("delivery message is not a JSON object");
        }
        String type = text(root, "message_type");
        if (type != null && !MESSAGE_TYPE.equals(type)) {
            throw new IllegalArgumentException("not a delivery message: message_type=" + type);
        }
        String trackingId = text(root, "tracking_id");
        if (trackingId == null || trackingId.isBlank()) {
            throw new IllegalArgumentException("delivery message has no tracking_id");
        }
        String status = text(root, "status");
        if (!STATUS_ANSWERED.equals(status) && !STATUS_FAILED.equals(status) && !STATUS_CANCELLED.equals(status)) {
            throw new IllegalArgumentException("delivery message " + trackingId + " has status " + status
                    + ", expected answered, failed or cancelled");
        }
        String webhookId = text(root, "webhook_id");
        if (webhookId == null || webhookId.isBlank()) {
            webhookId = "msg_" + trackingId;
        }
        JsonNode request = root.path("webhook_request");
        JsonNode error = root.path("error");
        JsonNode duration = root.path("agent_duration_ms");
        DeliveryTarget target = null;
        if (root.hasNonNull("target")) {
            try {
                target = DeliveryTarget.fromJson(root.get("target"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("delivery message " + trackingId + ": " + e.getMessage());
            }
        }
        return new DeliveryMessage(
                trackingId,
                webhookId,
                STATUS_ANSWERED.equals(status),
                STATUS_CANCELLED.equals(status),
                text(request, "query"),
                text(request, "source_system"),
                text(request, "source_process"),
                text(root, "response"),
                text(root, "response_plain"),
                text(root, "session_id"),
                text(root, "answered_at"),
                text(root, "queued_at"),
                text(error, "code"),
                text(error, "message"),
                error.path("transient").asBoolean(false),
                duration.canConvertToLong() ? duration.asLong() : null,
                target);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
