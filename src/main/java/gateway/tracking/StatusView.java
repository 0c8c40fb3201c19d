package gateway.tracking;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * What {@code GET /webhook/{tracking_id}} answers: the record's status, timestamps, attempts and last
 * error, and its history. Never the request, the prompt or the caller; the answer only when
 * {@code STATUS_INCLUDE_ANSWER} is true.
 */
public final class StatusView {

    static final List<String> FIELDS = List.of("tracking_id", "status", "queued_at", "processing_started_at",
            "answered_at", "finished_at", "updated_at", "agent_attempts", "delivery_attempts", "last_http_status",
            "last_error", "session_id", "agent_duration_ms", "source_system", "source_process");

    private StatusView() {
    }

    public static ObjectNode of(ObjectNode record, boolean includeAnswer) {
        ObjectNode view = Json.object();
        view.put("success", true);
        for (String field : FIELDS) {
            JsonNode value = record.get(field);
            if (field.equals("last_error") || value != null) {
                view.set(field, value == null ? Json.MAPPER.nullNode() : value);
            }
        }
        JsonNode delivery = record.path("delivery_message");
        if (includeAnswer && delivery.isObject()) {
            ObjectNode answer = view.putObject("answer");
            answer.set("response", delivery.path("response").isMissingNode() ? Json.MAPPER.nullNode() : delivery.get("response"));
            answer.set("response_plain", delivery.path("response_plain").isMissingNode() ? Json.MAPPER.nullNode() : delivery.get("response_plain"));
        }
        view.set("history", record.path("history").isArray() ? record.get("history") : Json.MAPPER.createArrayNode());
        return view;
    }
}
