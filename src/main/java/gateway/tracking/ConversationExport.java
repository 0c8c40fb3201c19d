package gateway.tracking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import org.apache.camel.ExchangeProperty;

/**
 * The conversation export, written when a delivery ends (delivered or dead-lettered, failed queries
 * included), in the original system's three formats under a date-partitioned prefix that analytics tools
 * (Athena, Glue crawlers) read as partitions:
 * <pre>&lt;S3_PREFIX&gt;conversation-history/year=YYYY/month=MM/day=DD/&lt;tracking_id&gt;/
 *     conversation.json   request, prompt, outcome, answer, session id, timings, delivery outcome, history
 *     metadata.json       the same without the texts: query cut to 200 characters, answer to 300
 *     summary.json        one line of figures</pre>
 * {@code outcome} is how the question ended ({@link QuestionOutcome}: answered, failed, cancelled), the delivery's
 * outcome ({@code delivery.outcome}, {@code delivery_outcome}) where its deliveries ended (the record's status).
 * The date is the day the request was queued (UTC). This class builds the three objects and their keys;
 * the route ({@code routes.TrackingRoute}, {@code export-conversation}) PUTs them, retries and gives up
 * (logged and counted); the delivery is not affected.
 */
public class ConversationExport {

    public static final String FOLDER = "conversation-history/";
    static final int QUERY_CHARS = 200;
    static final int ANSWER_CHARS = 300;

    private final S3Bucket bucket;

    public ConversationExport(S3Bucket bucket) {
        this.bucket = bucket;
    }

    /** The object key of one of the export's files ({@code conversation.json}...) for the record, under {@code S3_PREFIX}. */
    public String key(ObjectNode record, String file) {
        return bucket.key(folder(record) + file);
    }

    public String conversationJson(@ExchangeProperty(RecordWriter.WRITTEN_RECORD) ObjectNode record) {
        return Json.write(conversation(record));
    }

    public String metadataJson(@ExchangeProperty(RecordWriter.WRITTEN_RECORD) ObjectNode record) {
        return Json.write(metadata(record));
    }

    public String summaryJson(@ExchangeProperty(RecordWriter.WRITTEN_RECORD) ObjectNode record) {
        return Json.write(summary(record));
    }

    /** {@code conversation-history/year=YYYY/month=MM/day=DD/<tracking_id>/}, by the day the request was queued. */
    public static String folder(ObjectNode record) {
        OffsetDateTime day = instant(record.path("queued_at").asText(record.path("created_at").asText(null)))
                .atOffset(ZoneOffset.UTC);
        return String.format("%syear=%04d/month=%02d/day=%02d/%s/", FOLDER, day.getYear(), day.getMonthValue(),
                day.getDayOfMonth(), record.path("tracking_id").asText());
    }

    static ObjectNode conversation(ObjectNode record) {
        JsonNode delivery = record.path("delivery_message");
        ObjectNode out = Json.object();
        out.put("export_format", "conversation");
        out.put("export_version", 1);
        out.put("tracking_id", record.path("tracking_id").asText());
        out.put("session_id", text(record, "session_id"));
        out.put("source_system", text(record, "source_system"));
        out.put("source_process", text(record, "source_process"));
        out.set("request", record.has("request") ? record.get("request") : delivery.path("webhook_request").isObject()
                ? delivery.get("webhook_request") : Json.MAPPER.nullNode());
        out.put("prompt", text(record, "prompt"));
        out.put("outcome", QuestionOutcome.of(record));
        ObjectNode answer = out.putObject("answer");
        answer.put("status", text(delivery, "status"));
        answer.put("response", text(delivery, "response"));
        answer.put("response_plain", text(delivery, "response_plain"));
        answer.set("error", delivery.path("error").isObject() ? delivery.get("error") : Json.MAPPER.nullNode());
        out.set("timings", timings(record));
        out.set("delivery", deliveryOutcome(record));
        out.set("history", record.path("history").isArray() ? record.get("history") : Json.MAPPER.createArrayNode());
        return out;
    }

    static ObjectNode metadata(ObjectNode record) {
        JsonNode delivery = record.path("delivery_message");
        String query = text(record.path("request"), "query");
        if (query == null) {
            query = text(delivery.path("webhook_request"), "query");
        }
        String response = text(delivery, "response");
        ObjectNode out = Json.object();
        out.put("export_format", "metadata");
        out.put("tracking_id", record.path("tracking_id").asText());
        out.put("session_id", text(record, "session_id"));
        out.put("source_system", text(record, "source_system"));
        out.put("source_process", text(record, "source_process"));
        out.put("query", cut(query, QUERY_CHARS));
        out.put("query_length", query == null ? 0 : query.length());
        out.put("response", cut(response, ANSWER_CHARS));
        out.put("response_length", response == null ? 0 : response.length());
        out.put("outcome", QuestionOutcome.of(record));
        out.put("answer_status", text(delivery, "status"));
        out.put("delivery_outcome", text(record, "status"));
        out.set("timings", timings(record));
        return out;
    }

    static ObjectNode summary(ObjectNode record) {
        ObjectNode timings = timings(record);
        ObjectNode out = Json.object();
        out.put("export_format", "summary");
        out.put("tracking_id", record.path("tracking_id").asText());
        out.put("source_system", text(record, "source_system"));
        out.put("outcome", QuestionOutcome.of(record));
        out.put("answer_status", text(record.path("delivery_message"), "status"));
        out.put("delivery_outcome", text(record, "status"));
        out.set("agent_attempts", record.path("agent_attempts").isNumber() ? record.get("agent_attempts") : Json.MAPPER.nullNode());
        out.set("delivery_attempts", record.path("delivery_attempts").isNumber() ? record.get("delivery_attempts") : Json.MAPPER.nullNode());
        out.set("agent_duration_ms", timings.get("agent_duration_ms"));
        out.set("total_duration_ms", timings.get("total_duration_ms"));
        out.put("queued_at", text(record, "queued_at"));
        out.put("finished_at", text(record, "finished_at"));
        return out;
    }

    private static ObjectNode timings(ObjectNode record) {
        ObjectNode t = Json.object();
        t.put("queued_at", text(record, "queued_at"));
        t.put("processing_started_at", text(record, "processing_started_at"));
        // the question's end as the status lookup shows it (QuestionOutcome: a failure's time is failed_at, old records too)
        t.put("answered_at", QuestionOutcome.answeredAt(record));
        t.put("failed_at", QuestionOutcome.failedAt(record));
        t.put("cancelled_at", text(record, "cancelled_at"));
        t.put("finished_at", text(record, "finished_at"));
        t.set("agent_duration_ms", record.path("agent_duration_ms").isNumber() ? record.get("agent_duration_ms") : Json.MAPPER.nullNode());
        putMillis(t, "queue_wait_ms", text(record, "queued_at"), text(record, "processing_started_at"));
        putMillis(t, "total_duration_ms", text(record, "queued_at"), text(record, "finished_at"));
        return t;
    }

    private static ObjectNode deliveryOutcome(ObjectNode record) {
        ObjectNode d = Json.object();
        d.put("outcome", text(record, "status"));
        d.set("attempts", record.path("delivery_attempts").isNumber() ? record.get("delivery_attempts") : Json.MAPPER.nullNode());
        d.set("last_http_status", record.path("last_http_status").isNumber() ? record.get("last_http_status") : Json.MAPPER.nullNode());
        d.set("last_error", record.path("last_error").isObject() ? record.get("last_error") : Json.MAPPER.nullNode());
        d.put("finished_at", text(record, "finished_at"));
        // each target's delivery with its attempt log, as the status lookup shows it
        d.set("deliveries", StatusView.deliveries(record));
        return d;
    }

    private static void putMillis(ObjectNode out, String field, String from, String to) {
        if (from == null || to == null) {
            out.putNull(field);
            return;
        }
        out.put(field, instant(to).toEpochMilli() - instant(from).toEpochMilli());
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    private static String cut(String text, int chars) {
        if (text == null || text.codePointCount(0, text.length()) <= chars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, chars));
    }
}
