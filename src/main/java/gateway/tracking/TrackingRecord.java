package gateway.tracking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.json.Json;

/**
 * The JSON record of one request, and how a {@link StageEvent} changes it:
 * <pre>{"tracking_id","status","status_at","created_at","updated_at","caller","source_system","source_process",
 *  "outcome","queued_at","processing_started_at","answered_at"|"failed_at"|"cancelled_at","finished_at",
 *  "agent_attempts","delivery_attempts","last_http_status","last_error":{"code","message"},"session_id","agent_duration_ms",
 *  "request":{...},"prompt","delivery_message":{...},
 *  "deliveries":{"<webhook_id>":{...}},
 *  "history":[{"status","at","attempt","detail"}]}</pre>
 * {@code request}, {@code prompt} and {@code delivery_message} (what the agent stage put on the deliveries
 * queue, answer included) are kept for the export and for never calling the agent twice; the status
 * endpoint leaves them out (see {@link StatusView}). {@code status} says where the delivery stands; {@code outcome}
 * how the question ended ({@link QuestionOutcome}: answered, failed, cancelled; absent while it is open).
 *
 * <p>Applying an event is order-tolerant: the history stays sorted by time, and the status only moves
 * forward ({@link TrackingStatus}), so a late asynchronous write never undoes a later stage.
 *
 * <p>{@code deliveries} holds one entry per target of the result ({@link DeliveryEntries}). Once one of them has
 * started, the record's status is theirs together: {@code dead_lettered} when any is, {@code delivered} only when
 * all are, else {@code delivering}; {@code finished_at} is set when all have ended. A record without deliveries
 * (written before per-target delivery, or by a delivery stage that names no webhook id) keeps its own status.
 */
public final class TrackingRecord {

    static final int MAX_HISTORY = 200;

    private TrackingRecord() {
    }

    /** The record after {@code event}; {@code current} (null for a new record) is changed in place. */
    public static ObjectNode apply(ObjectNode current, String trackingId, StageEvent event) {
        ObjectNode record = current;
        if (record == null) {
            record = Json.object();
            record.put("tracking_id", trackingId);
            record.put("created_at", event.at());
        }
        boolean cancellable = cancellable(record);
        event.fields().accept(record);

        addHistory(record, event.status(), event.at(), event.attempt(), event.detail());
        List<JsonNode> history = new ArrayList<>();
        record.withArray("history").forEach(history::add);
        history.sort(Comparator.comparing(h -> h.path("at").asText("")));
        if (history.size() > MAX_HISTORY) {
            history = history.subList(history.size() - MAX_HISTORY, history.size());
        }
        ArrayNode sorted = record.putArray("history");
        history.forEach(sorted::add);

        TrackingStatus now = TrackingStatus.fromWire(record.path("status").asText(null));
        String statusAt = record.path("status_at").asText("");
        // a delivery step of a record with deliveries moves the record's status only through them (settle below)
        boolean byDeliveries = DeliveryEntries.decides(record, event);
        if (now == TrackingStatus.CANCELLED || event.status() == TrackingStatus.CANCELLED) {
            // cancelled is final (nothing moves it back, not even a restart); a cancellation lands only while the
            // question is still cancellable (the check was made on the record before the event's fields)
            if (now != TrackingStatus.CANCELLED && cancellable) {
                record.put("status", event.status().wireName());
                record.put("status_at", event.at());
            }
        } else if (now == null || event.restart() || (!byDeliveries && (event.status().rank() > now.rank()
                || (event.status().rank() == now.rank() && event.at().compareTo(statusAt) >= 0)))) {
            record.put("status", event.status().wireName());
            record.put("status_at", event.at());
        }
        // once a delivery has started, the record's status is theirs together (one receiver's end is not the request's)
        DeliveryEntries.settle(record, event);
        if (event.at().compareTo(record.path("updated_at").asText("")) > 0) {
            record.put("updated_at", event.at());
        }
        if (event.at().compareTo(record.path("created_at").asText(event.at())) < 0) {
            record.put("created_at", event.at());
        }
        return record;
    }

    /**
     * Appends an entry to the history as it is (the event's own entry is added, and the history sorted, by
     * {@link #apply}): for a stage's change that records two steps at once.
     */
    static void addHistory(ObjectNode record, TrackingStatus status, String at, Integer attempt, String detail) {
        ObjectNode entry = record.withArray("history").addObject();
        entry.put("status", status.wireName());
        entry.put("at", at);
        if (attempt == null) {
            entry.putNull("attempt");
        } else {
            entry.put("attempt", attempt);
        }
        entry.put("detail", detail);
    }

    /**
     * Whether the question may still be cancelled: the agent stage has no result for it yet (no delivery message)
     * and it is not cancelled already. A result dropped by a redrive (a failure asked again) makes it cancellable again.
     */
    public static boolean cancellable(ObjectNode record) {
        TrackingStatus status = status(record);
        return status != TrackingStatus.CANCELLED && !record.path("delivery_message").isObject()
                && (status == null || !status.agentDone());
    }

    public static TrackingStatus status(ObjectNode record) {
        return TrackingStatus.fromWire(record.path("status").asText(null));
    }

    /** Sets {@code field} to {@code value} unless it already holds a larger number. */
    static void putMax(ObjectNode record, String field, int value) {
        if (!record.path(field).canConvertToInt() || record.path(field).asInt() < value) {
            record.put(field, value);
        }
    }

    /** Sets the timestamp {@code field} to {@code at} unless it already holds an earlier one. */
    static void putEarliest(ObjectNode record, String field, String at) {
        if (at != null && (!record.hasNonNull(field) || record.path(field).asText().compareTo(at) > 0)) {
            record.put(field, at);
        }
    }

    static void putIfAbsent(ObjectNode record, String field, JsonNode value) {
        if (value != null && !value.isNull() && !record.hasNonNull(field)) {
            record.set(field, value);
        }
    }

    static void putIfAbsent(ObjectNode record, String field, String value) {
        if (value != null && !record.hasNonNull(field)) {
            record.put(field, value);
        }
    }

    // --- what the routes read from a record ---

    /**
     * The targets of the record's deliveries, in the order they were chosen (those the record can name: see
     * {@link DeliveryEntries#targets}); empty for a record without deliveries.
     */
    public static List<DeliveryTarget> targets(ObjectNode record) {
        return DeliveryEntries.targets(DeliveryEntries.of(record));
    }

    /** True once the agent stage has finished: its result (the delivery message) is in the record. */
    public static boolean agentDone(ObjectNode record) {
        TrackingStatus status = status(record);
        return status != null && status.agentDone() && record.path("delivery_message").isObject();
    }

    /**
     * True when the request is over: the record's status has ended and so has every one of its deliveries
     * (one target's end while another is still being delivered is not the request's end).
     */
    public static boolean requestOver(ObjectNode record) {
        TrackingStatus status = record == null ? null : status(record);
        return status != null && status.ended() && DeliveryEntries.allEnded(record);
    }

    /** The request's own fields, from the request as the intake parsed it (never replacing what is there). */
    static void describeRequest(ObjectNode record, JsonNode request) {
        if (request == null || !request.isObject()) {
            return;
        }
        putIfAbsent(record, "request", request);
        putIfAbsent(record, "source_system", request.path("source_system").asText(null));
        putIfAbsent(record, "source_process", request.path("source_process").asText(null));
    }
}
