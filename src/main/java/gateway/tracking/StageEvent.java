package gateway.tracking;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One thing that happened to a request: the stage reached, when (ISO-8601 UTC, fixed width so it sorts
 * as text), the attempt it belongs to (null where that means nothing), a short detail (never the
 * query, the answer or a secret), the record fields the stage sets, whether it restarts the conversation, and, once
 * written, the record as the write left it ({@link RecordWriter#write}: what a stage that wrote in line reads back).
 */
public record StageEvent(TrackingStatus status, String at, Integer attempt, String detail, Consumer<ObjectNode> fields,
                         boolean restart, AtomicReference<ObjectNode> written) {

    public StageEvent {
        if (fields == null) {
            fields = record -> { };
        }
        if (written == null) {
            written = new AtomicReference<>();
        }
    }

    /** A stage that moves the status forward only (a late write never undoes a later stage). */
    public StageEvent(TrackingStatus status, String at, Integer attempt, String detail, Consumer<ObjectNode> fields) {
        this(status, at, attempt, detail, fields, false, null);
    }

    /** The conversation starts again (a redrive from the DLQ): the status is set to this one whatever it was. */
    public static StageEvent restart(TrackingStatus status, String at, Integer attempt, String detail, Consumer<ObjectNode> fields) {
        return new StageEvent(status, at, attempt, detail, fields, true, null);
    }
}
