package gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * One event of a question's life, as its event log keeps it and the stream sends it: its number in the question's log
 * ({@code id}, from 1: the stream's {@code id:}, what {@code Last-Event-ID} names), its type, when, and its data.
 * <pre>{"id":3,"type":"query.progress","at":"...","data":{...}}</pre>
 */
public record QuestionEvent(int id, String type, String at, ObjectNode data) {

    public static final String STARTED = "query.started";
    public static final String PROGRESS = "query.progress";
    /** The answer as the agent writes it (a request's {@code stream_answer}): in the stream only, never a webhook. */
    public static final String ANSWER_PART = "query.answer_part";
    public static final String ANSWERED = "query.answered";
    public static final String FAILED = "query.failed";
    public static final String CANCELLED = "query.cancelled";

    /** Whether an event of this type ends the question (nothing follows it). */
    public static boolean isFinal(String type) {
        return ANSWERED.equals(type) || FAILED.equals(type) || CANCELLED.equals(type);
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id);
        json.put("type", type);
        json.put("at", at);
        json.set("data", data == null ? Json.object() : data.deepCopy());
        return json;
    }

    /** An event as the log holds it; null for anything else. */
    public static QuestionEvent fromJson(JsonNode json) {
        if (json == null || !json.path("id").canConvertToInt() || !json.path("type").isTextual()) {
            return null;
        }
        JsonNode data = json.get("data");
        return new QuestionEvent(json.get("id").asInt(), json.get("type").asText(), json.path("at").asText(null),
                data instanceof ObjectNode object ? object : Json.object());
    }
}
