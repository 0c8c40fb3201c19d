package gateway.tracking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The status endpoint's view: never the request, prompt or caller; the answer only when allowed. */
class StatusViewTest {

    static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

    @Test
    void answerOnlyWhenAllowedAndNeverTheRequestPromptOrCaller() {
        ObjectNode record = TrackingRecord.apply(null, ID, new StageEvent(TrackingStatus.ANSWERED,
                "2025-01-01T00:00:02.000000+00:00", 1, "the agent answered", r -> {
                    r.put("caller", "alice");
                    r.put("prompt", "secret prompt");
                    r.set("request", Json.object().put("query", "secret query"));
                    r.set("delivery_message", Json.object().put("response", "**answer**").put("response_plain", "answer"));
                }));

        ObjectNode hidden = StatusView.of(record, false);
        assertThat(hidden.get("status").asText()).isEqualTo("answered");
        assertThat(hidden.get("last_error").isNull()).isTrue();
        assertThat(hidden.has("answer")).isFalse();
        assertThat(Json.write(hidden)).doesNotContain("secret", "alice", "answer\"");

        ObjectNode shown = StatusView.of(record, true);
        assertThat(shown.get("answer").get("response").asText()).isEqualTo("**answer**");
        assertThat(shown.get("answer").get("response_plain").asText()).isEqualTo("answer");
        assertThat(Json.write(shown)).doesNotContain("secret", "alice");
    }

    @Test
    void aLateWriteLandsInTheHistoryButNeverMovesTheStatusBack() {
        ObjectNode record = TrackingRecord.apply(null, ID, new StageEvent(TrackingStatus.DELIVERED, "2025-01-01T00:00:05.000000+00:00", 1, null, null));
        TrackingRecord.apply(record, ID, new StageEvent(TrackingStatus.QUEUED, "2025-01-01T00:00:00.000000+00:00", null, null, null));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("created_at").asText()).isEqualTo("2025-01-01T00:00:00.000000+00:00");
        assertThat(record.get("history")).extracting(h -> h.get("status").asText()).containsExactly("queued", "delivered");
        // same rank: the later one wins (a redriven delivery that succeeds after a dead letter)
        TrackingRecord.apply(record, ID, new StageEvent(TrackingStatus.DEAD_LETTERED, "2025-01-01T00:00:04.000000+00:00", 1, null, null));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
    }
}
