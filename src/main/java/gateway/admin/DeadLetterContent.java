package gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryMessage;
import gateway.delivery.DeliveryTarget;
import gateway.json.Json;

/**
 * What a dead letter carries, for the operator's listing: the question's source and the start of its text, and for a
 * delivery its event type and target label. Never the URL, a header, a key or the answer: an operator reads which
 * question it was and where it was going, not the caller's secrets. A body that is not the gateway's JSON gives
 * only its length.
 */
final class DeadLetterContent {

    /** The most of the question's text a listing shows. */
    static final int QUESTION_CHARS = 200;

    private DeadLetterContent() {
    }

    static ObjectNode of(String body) {
        ObjectNode content = Json.object();
        JsonNode root = Json.parseOrNull(body);
        if (root == null || !root.isObject()) {
            content.put("kind", "unreadable");
            content.put("bytes", body == null ? 0 : body.length());
            return content;
        }
        // a delivery wraps the request it answers; a request is the request
        JsonNode request = root.has("webhook_request") ? root.get("webhook_request") : root;
        content.put("kind", root.has("target") ? "delivery" : "request");
        String type = text(root, "type");
        if (type == null && "webhook_delivery".equals(text(root, "message_type"))) {
            type = DeliveryMessage.eventType(text(root, "status"));
        }
        content.put("event_type", type);
        content.put("source_system", text(request, "source_system"));
        content.put("source_process", text(request, "source_process"));
        content.put("session_id", text(request, "session_id"));
        content.put("question", cut(text(request, "query")));
        content.put("target", target(root.get("target")));
        return content;
    }

    private static String target(JsonNode target) {
        if (target == null || !target.isObject()) {
            return null;
        }
        try {
            return DeliveryTarget.fromJson(target).label();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String cut(String text) {
        if (text == null || text.length() <= QUESTION_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(QUESTION_CHARS - 1)) ? QUESTION_CHARS - 1 : QUESTION_CHARS;
        return text.substring(0, end) + "…";
    }
}
