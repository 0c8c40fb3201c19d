package gateway.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryMessage;

/**
 * How the question ended, beside where its delivery stands (the record's {@code status}): {@code answered},
 * {@code failed} (the agent refused, or the gateway gave up on it), {@code cancelled}, or null while it is open. The
 * agent stage and the cancel write it in the record ({@code outcome}, with {@code answered_at}, {@code failed_at} or
 * {@code cancelled_at}); a redrive that drops a stored failure removes it again (the question is open).
 *
 * <p>Records written before the field existed have no {@code outcome}, and their failure's time in {@code answered_at}.
 * Their outcome is read from what they hold: {@code cancelled} for a cancelled record, else the status of the stored
 * result ({@code delivery_message}: kept in every record since tracking began), else the status when it is the agent
 * stage's own ({@code answered} / {@code failed}); else open. An old failure's {@code answered_at} is its
 * {@code failed_at}. Nothing is rewritten on read: the status view and the export show the record this way.
 */
public final class QuestionOutcome {

    public static final String FIELD = "outcome";
    public static final String ANSWERED = "answered";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    private QuestionOutcome() {
    }

    /** The record's outcome: as written, or (a record from before the field) from what it holds; null while open. */
    public static String of(JsonNode record) {
        JsonNode written = record.get(FIELD);
        if (written != null && written.isTextual()) {
            return written.textValue();
        }
        TrackingStatus status = TrackingStatus.fromWire(record.path("status").asText(null));
        if (status == TrackingStatus.CANCELLED) {
            return CANCELLED;
        }
        String result = record.path("delivery_message").path("status").asText(null);
        if (DeliveryMessage.STATUS_ANSWERED.equals(result) || DeliveryMessage.STATUS_FAILED.equals(result)
                || DeliveryMessage.STATUS_CANCELLED.equals(result)) {
            return result;
        }
        if (status == TrackingStatus.ANSWERED) {
            return ANSWERED;
        }
        return status == TrackingStatus.FAILED ? FAILED : null;
    }

    /** When the agent answered: the record's {@code answered_at}, for an answered question only (else null). */
    public static String answeredAt(JsonNode record) {
        return ANSWERED.equals(of(record)) ? text(record, "answered_at") : null;
    }

    /**
     * When the question failed, for a failed question only (else null): its {@code failed_at}; for a record from before
     * the field, the time its failure was written under ({@code answered_at}, or the stored result's).
     */
    public static String failedAt(JsonNode record) {
        if (!FAILED.equals(of(record))) {
            return null;
        }
        String at = text(record, "failed_at");
        if (at == null) {
            at = text(record, "answered_at");
        }
        return at != null ? at : text(record.path("delivery_message"), "answered_at");
    }

    /** The agent stage's result: {@code outcome} and its time, the other outcome's time removed. */
    static void ended(ObjectNode record, boolean answered, String at) {
        record.put(FIELD, answered ? ANSWERED : FAILED);
        record.put(answered ? "answered_at" : "failed_at", at);
        record.remove(answered ? "failed_at" : "answered_at");
    }

    /** A stored failure is dropped (a redrive asks the agent again): the question is open again. */
    static void reopened(ObjectNode record) {
        record.remove(FIELD);
        record.remove("failed_at");
        // a record from before the field kept its failure's time here
        record.remove("answered_at");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }
}
