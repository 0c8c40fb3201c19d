package gateway.tracking;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * What {@code GET /webhook/{tracking_id}} answers: the record's status (where the delivery stands), its outcome (how the
 * question ended, {@link QuestionOutcome}; null while open), timestamps, attempts and last error, every delivery of the
 * result with its attempt log ({@code deliveries}), and its history. Never the request, the prompt or the caller; the
 * answer only when {@code STATUS_INCLUDE_ANSWER} is true, or when the caller asks for the content
 * ({@code ?include=content}: the question's text and the answer, null while there is none).
 */
public final class StatusView {

    static final List<String> FIELDS = List.of("tracking_id", "status", "outcome", "queued_at", "processing_started_at",
            "answered_at", "failed_at", "cancelled_at", "finished_at", "updated_at", "agent_attempts", "delivery_attempts",
            "last_http_status", "last_error", "session_id", "agent_duration_ms", "source_system", "source_process");

    static final List<String> DELIVERY_FIELDS = List.of("url", "webhook_id", "target", "status", "next_attempt_at", "parked_since");

    /** The state of a delivery's endpoint ({@code paused}, ...), from its target reference; null when unknown. */
    @FunctionalInterface
    public interface EndpointStates {
        String of(JsonNode targetRef);

        EndpointStates NONE = ref -> null;
    }
    static final List<String> ATTEMPT_FIELDS = List.of("at", "http_status", "duration_ms", "error", "response_excerpt");

    private StatusView() {
    }

    public static ObjectNode of(ObjectNode record, boolean includeAnswer) {
        return of(record, includeAnswer, EndpointStates.NONE);
    }

    /** The view, a parked delivery with its endpoint's state ({@code endpoint_state}) as {@code states} says it now. */
    public static ObjectNode of(ObjectNode record, boolean includeAnswer, EndpointStates states) {
        return of(record, includeAnswer, false, states);
    }

    /**
     * The view; with {@code includeContent} also the question's text as the caller sent it ({@code question}, null when
     * the record does not have it yet) and the answer ({@code answer}, null while there is none).
     */
    public static ObjectNode of(ObjectNode record, boolean includeAnswer, boolean includeContent, EndpointStates states) {
        ObjectNode view = Json.object();
        view.put("success", true);
        for (String field : FIELDS) {
            JsonNode value = switch (field) {
                // how the question ended (null while open) and when: read as QuestionOutcome says, old records included
                case QuestionOutcome.FIELD -> Json.MAPPER.getNodeFactory().textNode(QuestionOutcome.of(record));
                case "answered_at" -> timestamp(QuestionOutcome.answeredAt(record));
                case "failed_at" -> timestamp(QuestionOutcome.failedAt(record));
                default -> record.get(field);
            };
            if (field.equals("last_error") || field.equals(QuestionOutcome.FIELD) || value != null) {
                view.set(field, value == null ? Json.MAPPER.nullNode() : value);
            }
        }
        JsonNode delivery = record.path("delivery_message");
        if (includeContent) {
            view.put("question", question(record));
            view.set("answer", hasAnswer(delivery) ? answer(delivery) : Json.MAPPER.nullNode());
        } else if (includeAnswer && delivery.isObject()) {
            view.set("answer", answer(delivery));
        }
        ArrayNode deliveries = deliveries(record);
        ObjectNode entries = DeliveryEntries.of(record);
        for (JsonNode shown : deliveries) {
            if (DeliveryStatus.PARKED.wireName().equals(shown.path("status").asText()) && entries != null) {
                JsonNode entry = entries.get(shown.path("webhook_id").asText());
                String state = entry == null ? null : states.of(entry.get(DeliveryEntries.TARGET_REF));
                ((ObjectNode) shown).put("endpoint_state", state);
            }
        }
        view.set("deliveries", deliveries);
        view.set("history", record.path("history").isArray() ? record.get("history") : Json.MAPPER.createArrayNode());
        return view;
    }

    /**
     * The question's text as the caller sent it: the request the record keeps, else the one its delivery message
     * carries (a record whose first write was dropped); null when the record has neither yet.
     */
    static String question(ObjectNode record) {
        JsonNode query = record.path("request").path("query");
        if (!query.isTextual()) {
            query = record.path("delivery_message").path("webhook_request").path("query");
        }
        return query.isTextual() ? query.textValue() : null;
    }

    private static ObjectNode answer(JsonNode delivery) {
        ObjectNode answer = Json.object();
        answer.set("response", delivery.path("response").isMissingNode() ? Json.MAPPER.nullNode() : delivery.get("response"));
        answer.set("response_plain", delivery.path("response_plain").isMissingNode() ? Json.MAPPER.nullNode() : delivery.get("response_plain"));
        return answer;
    }

    /** Whether the agent's result holds an answer (a failed or cancelled question's has none). */
    private static boolean hasAnswer(JsonNode delivery) {
        return delivery.isObject() && (delivery.path("response").isTextual() || delivery.path("response_plain").isTextual());
    }

    /**
     * Every delivery of the result, in the record's order: where it went (the URL as shown: no query, no user
     * info), its webhook id and target label, where it stands and its attempt log. Field by field, so nothing
     * else an entry holds (the target reference with the full callback URL) is ever shown.
     */
    static ArrayNode deliveries(ObjectNode record) {
        ArrayNode deliveries = Json.MAPPER.createArrayNode();
        ObjectNode entries = DeliveryEntries.of(record);
        if (entries == null) {
            return deliveries;
        }
        for (JsonNode entry : entries) {
            ObjectNode shown = deliveries.addObject();
            for (String field : DELIVERY_FIELDS) {
                shown.set(field, value(entry, field));
            }
            ArrayNode attempts = shown.putArray("attempts");
            for (JsonNode attempt : entry.path("attempts")) {
                ObjectNode a = attempts.addObject();
                for (String field : ATTEMPT_FIELDS) {
                    JsonNode value = value(attempt, field);
                    if (field.equals("error") && value.isObject()) {
                        a.putObject("error").<ObjectNode>set("code", value(value, "code")).set("message", value(value, "message"));
                    } else {
                        a.set(field, value);
                    }
                }
            }
        }
        return deliveries;
    }

    private static JsonNode timestamp(String at) {
        return at == null ? null : Json.MAPPER.getNodeFactory().textNode(at);
    }

    private static JsonNode value(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? Json.MAPPER.nullNode() : value;
    }
}
