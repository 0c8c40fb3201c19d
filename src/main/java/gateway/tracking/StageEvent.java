package gateway.tracking;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One thing that happened to a request: the stage reached, when (ISO-8601 UTC, fixed width so it sorts
 * as text), the attempt it belongs to (null where that means nothing), a short detail (never the
 * query, the answer or a secret), and the record fields the stage sets.
 */
public record StageEvent(TrackingStatus status, String at, Integer attempt, String detail, Consumer<ObjectNode> fields) {

    public StageEvent {
        if (fields == null) {
            fields = record -> { };
        }
    }
}
