package gateway.tracking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.ExchangeProperty;

/**
 * The deliveries of a request's result in its {@link TrackingRecord}: one entry per target, keyed by its
 * {@code webhook-id}, in the order the targets were chosen:
 * <pre>"deliveries": {"&lt;webhook_id&gt;": {"webhook_id","target":"&lt;label&gt;","url":"&lt;shown url&gt;",
 *     "status":"pending"|"delivering"|"delivered"|"dead_lettered","status_at","next_attempt_at":null|"&lt;time&gt;",
 *     "attempts":[{"at","http_status","duration_ms","error":null|{"code","message"},"response_excerpt"}],
 *     "target_ref":{&lt;DeliveryTarget#toJson&gt;}, "resent_at"}}</pre>
 * An object, not a list, so that writes of different targets (other threads, other replicas, late) merge into
 * the record as it is read: per entry the status only moves forward ({@link DeliveryStatus}; same rank: the later
 * {@code status_at} wins, and {@code next_attempt_at} goes with the status that won), attempts are appended,
 * sorted by time, de-duplicated and bounded ({@link #MAX_ATTEMPTS}, the last kept).
 *
 * <p>{@code target_ref} is the target as {@link DeliveryTarget#fromJson} reads it (so a resend or a re-enqueue
 * goes to the same targets with the same {@code webhook-id}s); it may hold the full callback URL and is never
 * shown ({@link StatusView} picks its fields). {@code resent_at} is when a resend put the entry back to pending:
 * a status older than that is a late write of the earlier round and moves nothing.
 */
public final class DeliveryEntries {

    static final String FIELD = "deliveries";
    static final String TARGET_REF = "target_ref";
    static final String RESENT_AT = "resent_at";
    static final String PARKED_SINCE = "parked_since";
    static final int MAX_ATTEMPTS = 50;
    /** The receiver's response body is cut to this many characters (the delivery stage already cuts it to 1 KB). */
    static final int MAX_EXCERPT = 1024;

    private DeliveryEntries() {
    }

    /** The record's deliveries object, or null when it has none (a record written before per-target delivery). */
    static ObjectNode of(JsonNode record) {
        JsonNode deliveries = record == null ? null : record.get(FIELD);
        return deliveries != null && deliveries.isObject() ? (ObjectNode) deliveries : null;
    }

    /**
     * The entry of {@code webhookId}, created "pending" at {@code at} if absent; its target's label, shown URL and
     * reference are filled in when {@code target} is given and the entry has none yet.
     */
    static ObjectNode entry(ObjectNode record, String webhookId, DeliveryTarget target, String at) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            deliveries = record.putObject(FIELD);
        }
        JsonNode existing = deliveries.get(webhookId);
        ObjectNode entry;
        if (existing != null && existing.isObject()) {
            entry = (ObjectNode) existing;
        } else {
            entry = deliveries.putObject(webhookId);
            entry.put("webhook_id", webhookId);
            entry.putNull("target");
            entry.putNull("url");
            entry.put("status", DeliveryStatus.PENDING.wireName());
            entry.put("status_at", at);
            entry.putNull("next_attempt_at");
            entry.putArray("attempts");
        }
        if (target != null && !entry.path(TARGET_REF).isObject()) {
            entry.put("target", target.label());
            entry.put("url", target.shownUrl());
            entry.set(TARGET_REF, target.toJson());
        }
        return entry;
    }

    /**
     * Drops the pending deliveries that are not among {@code webhookIds} (a result asked again after a redrive may go
     * to other targets than the first one did: those will never be delivered); the record loses its deliveries
     * object when none is left.
     */
    static void dropPendingOthers(ObjectNode record, Set<String> webhookIds) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            return;
        }
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : deliveries.properties()) {
            if (!webhookIds.contains(e.getKey()) && !status(e.getValue()).started()) {
                gone.add(e.getKey());
            }
        }
        deliveries.remove(gone);
        if (deliveries.isEmpty()) {
            record.remove(FIELD);
        }
    }

    /** The one delivery of the record that has not ended, or null when there are none or several. */
    static String onlyUnended(ObjectNode record) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            return null;
        }
        String only = null;
        for (Map.Entry<String, JsonNode> e : deliveries.properties()) {
            if (!status(e.getValue()).ended()) {
                if (only != null) {
                    return null;
                }
                only = e.getKey();
            }
        }
        return only;
    }

    /**
     * The entry moves to {@code status} at {@code at} (with {@code nextAttemptAt}, null for none) unless it already
     * holds a later step: a higher rank, the same rank at a later time, or a resend after {@code at}.
     */
    static void advance(ObjectNode entry, DeliveryStatus status, String at, String nextAttemptAt) {
        if (at.compareTo(entry.path(RESENT_AT).asText("")) < 0) {
            return;
        }
        DeliveryStatus now = status(entry);
        if (status.rank() > now.rank() || (status.rank() == now.rank() && at.compareTo(entry.path("status_at").asText("")) >= 0)) {
            if (status != DeliveryStatus.PARKED) {
                entry.remove(PARKED_SINCE);
            }
            entry.put("status", status.wireName());
            entry.put("status_at", at);
            if (nextAttemptAt == null) {
                entry.putNull("next_attempt_at");
            } else {
                entry.put("next_attempt_at", nextAttemptAt);
            }
        }
    }

    /**
     * A parked delivery's {@code parked_since}: when it was first parked in this round (kept while it stays parked, gone
     * once it moves on).
     */
    static void parkedSince(ObjectNode entry, String at) {
        if (DeliveryStatus.PARKED.wireName().equals(entry.path("status").asText()) && !entry.hasNonNull(PARKED_SINCE)) {
            entry.put(PARKED_SINCE, at);
        }
    }

    /** One HTTP attempt, as the attempt log keeps it; {@code error} null for a success. */
    static ObjectNode attempt(String at, Integer httpStatus, Long durationMs, String errorCode, String errorMessage, String excerpt) {
        ObjectNode attempt = Json.object();
        attempt.put("at", at);
        if (httpStatus == null) {
            attempt.putNull("http_status");
        } else {
            attempt.put("http_status", httpStatus);
        }
        if (durationMs == null) {
            attempt.putNull("duration_ms");
        } else {
            attempt.put("duration_ms", durationMs);
        }
        if (errorCode == null) {
            attempt.putNull("error");
        } else {
            attempt.putObject("error").put("code", errorCode).put("message", errorMessage);
        }
        if (excerpt == null) {
            attempt.putNull("response_excerpt");
        } else {
            attempt.put("response_excerpt", excerpt.length() > MAX_EXCERPT ? excerpt.substring(0, MAX_EXCERPT) : excerpt);
        }
        return attempt;
    }

    /** Appends the attempt: sorted by time, the same one (time, status, error) once, the last {@link #MAX_ATTEMPTS} kept. */
    static void addAttempt(ObjectNode entry, ObjectNode attempt) {
        Map<String, JsonNode> unique = new LinkedHashMap<>();
        JsonNode existing = entry.get("attempts");
        if (existing != null && existing.isArray()) {
            existing.forEach(a -> unique.putIfAbsent(key(a), a));
        }
        unique.putIfAbsent(key(attempt), attempt);
        List<JsonNode> attempts = new ArrayList<>(unique.values());
        attempts.sort(Comparator.comparing(a -> a.path("at").asText("")));
        if (attempts.size() > MAX_ATTEMPTS) {
            attempts = attempts.subList(attempts.size() - MAX_ATTEMPTS, attempts.size());
        }
        ArrayNode sorted = entry.putArray("attempts");
        attempts.forEach(sorted::add);
    }

    private static String key(JsonNode attempt) {
        return attempt.path("at").asText("") + '|' + attempt.path("http_status").asText("") + '|' + Json.write(attempt.path("error"));
    }

    /** A resend: every delivery back to pending at {@code at}, nothing scheduled; the attempts stay. */
    static void resetAll(ObjectNode record, String at) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            return;
        }
        for (JsonNode value : deliveries) {
            if (value.isObject()) {
                ObjectNode entry = (ObjectNode) value;
                entry.put("status", DeliveryStatus.PENDING.wireName());
                entry.put("status_at", at);
                entry.putNull("next_attempt_at");
                entry.put(RESENT_AT, at);
            }
        }
    }

    /** The status of the delivery {@code webhookId} in the record; null when the record has no such delivery. */
    public static DeliveryStatus statusOf(ObjectNode record, String webhookId) {
        ObjectNode deliveries = of(record);
        JsonNode entry = deliveries == null ? null : deliveries.get(webhookId);
        return entry == null || !entry.isObject() ? null : status(entry);
    }

    /**
     * A recover: the delivery goes again, from its endpoint's lane (parked since {@code at}); as for a resend, a status
     * older than that is a late write of the earlier round.
     */
    static void recover(ObjectNode entry, String at) {
        entry.put("status", DeliveryStatus.PARKED.wireName());
        entry.put("status_at", at);
        entry.putNull("next_attempt_at");
        entry.put(RESENT_AT, at);
        entry.put(PARKED_SINCE, at);
    }

    /** True once any delivery has started: from then on the record's status follows its deliveries. */
    static boolean started(ObjectNode record) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            return false;
        }
        for (JsonNode entry : deliveries) {
            if (status(entry).started()) {
                return true;
            }
        }
        return false;
    }

    /** True when the record has no deliveries or every one of them has ended. */
    static boolean allEnded(ObjectNode record) {
        ObjectNode deliveries = of(record);
        if (deliveries == null) {
            return true;
        }
        for (JsonNode entry : deliveries) {
            if (!status(entry).ended()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The record's status from its deliveries: dead-lettered when any is, delivered only when all are, else
     * delivering (one receiver's success says nothing of another that is still being retried).
     */
    static TrackingStatus overall(ObjectNode record) {
        boolean allDelivered = true;
        for (JsonNode entry : of(record)) {
            DeliveryStatus status = status(entry);
            if (status == DeliveryStatus.DEAD_LETTERED) {
                return TrackingStatus.DEAD_LETTERED;
            }
            allDelivered &= status == DeliveryStatus.DELIVERED;
        }
        return allDelivered ? TrackingStatus.DELIVERED : TrackingStatus.DELIVERING;
    }

    /**
     * Whether the record's deliveries, not {@code event}'s own status, decide the record's status: a delivery step
     * (delivering, delivered, dead-lettered) of a record that has deliveries, unless it is a restart. Such a step
     * counts through the entry it moved; one that moved none (a late write of a round before a resend) moves nothing.
     */
    static boolean decides(ObjectNode record, StageEvent event) {
        return !event.restart() && event.status().deliveryStarted() && of(record) != null;
    }

    /**
     * After {@code event} has been applied to the record: once a delivery has started, the record's status and
     * {@code finished_at} follow its deliveries ({@link #overall}; finished when every delivery has ended, at the
     * last end). A restart (a redrive, a resend) sets the status whatever the deliveries say.
     */
    static void settle(ObjectNode record, StageEvent event) {
        if (TrackingRecord.status(record) == TrackingStatus.CANCELLED) {
            // a cancelled question stays cancelled: its query.cancelled deliveries only say when it is over
            if (of(record) != null && started(record)) {
                if (allEnded(record)) {
                    String lastEnd = lastStatusAt(record);
                    record.put("finished_at", lastEnd != null ? lastEnd : event.at());
                } else {
                    record.remove("finished_at");
                }
            }
            return;
        }
        if (event.restart() || of(record) == null) {
            return;
        }
        if (!started(record)) {
            if (decides(record, event)) {
                record.remove("finished_at"); // a delivery step that moved no delivery (see decides) ends nothing
            }
            return;
        }
        boolean ended = allEnded(record);
        String lastEnd = ended ? lastStatusAt(record) : null;
        TrackingStatus overall = overall(record);
        if (overall != TrackingRecord.status(record)) {
            record.put("status", overall.wireName());
            record.put("status_at", overall.ended() && lastEnd != null ? lastEnd : event.at());
        }
        if (ended) {
            record.put("finished_at", lastEnd != null ? lastEnd : event.at());
        } else {
            record.remove("finished_at");
        }
    }

    private static String lastStatusAt(ObjectNode record) {
        String last = null;
        for (JsonNode entry : of(record)) {
            String at = entry.path("status_at").asText(null);
            if (at != null && (last == null || at.compareTo(last) > 0)) {
                last = at;
            }
        }
        return last;
    }

    static DeliveryStatus status(JsonNode entry) {
        DeliveryStatus status = DeliveryStatus.fromWire(entry.path("status").asText(null));
        return status == null ? DeliveryStatus.PENDING : status;
    }

    /**
     * The targets of a record's deliveries object (the record's {@code deliveries}, as
     * {@link TrackingRecords#STORED_DELIVERIES} holds it), in order. An entry without a target reference (written
     * by a delivery stage that did not name its target) is left out.
     */
    public static List<DeliveryTarget> targets(JsonNode deliveries) {
        return targets(deliveries, false);
    }

    /**
     * Whether the delivery of this webhook id has not ended, by the record's deliveries as read; a record without an
     * entry for it (written before deliveries went per target) answers by its overall status ({@code storedStatus}).
     */
    public static boolean open(@ExchangeProperty(RecordLookup.STORED_DELIVERIES) JsonNode deliveries,
            @ExchangeProperty(FlowProperties.WEBHOOK_ID) String webhookId,
            @ExchangeProperty(RecordLookup.STORED_STATUS) String storedStatus) {
        JsonNode entry = deliveries == null || webhookId == null ? null : deliveries.get(webhookId);
        if (entry != null && entry.isObject()) {
            return !status(entry).ended();
        }
        TrackingStatus overall = TrackingStatus.fromWire(storedStatus);
        return overall == null || !overall.ended();
    }

    /** The targets whose delivery has not started (status pending), in order: what a re-enqueue still owes. */
    public static List<DeliveryTarget> notStarted(JsonNode deliveries) {
        return targets(deliveries, true);
    }

    private static List<DeliveryTarget> targets(JsonNode deliveries, boolean pendingOnly) {
        List<DeliveryTarget> targets = new ArrayList<>();
        if (deliveries == null || !deliveries.isObject()) {
            return targets;
        }
        for (JsonNode entry : deliveries) {
            if (!entry.path(TARGET_REF).isObject() || (pendingOnly && status(entry).started())) {
                continue;
            }
            try {
                targets.add(DeliveryTarget.fromJson(entry.get(TARGET_REF)));
            } catch (IllegalArgumentException e) {
                // a damaged reference: that entry cannot be delivered again, the others can
            }
        }
        return targets;
    }
}
