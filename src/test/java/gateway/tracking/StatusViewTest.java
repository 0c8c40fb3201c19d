package gateway.tracking;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status endpoint's view: never the request, prompt or caller; the answer only when allowed; every delivery
 * with its attempt log.
 */
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
    void theContentOnRequestIsTheQuestionAsSentAndTheAnswerOrNull() {
        ObjectNode record = TrackingRecord.apply(null, ID, new StageEvent(TrackingStatus.PROCESSING,
                "2025-01-01T00:00:01.000000+00:00", 1, "asking the agent", r -> {
                    r.put("caller", "alice");
                    r.put("prompt", "secret prompt");
                    r.set("request", Json.object().put("query", "  Which deals?\n"));
                }));
        ObjectNode open = StatusView.of(record, false, true, StatusView.EndpointStates.NONE);
        assertThat(open.get("question").asText()).isEqualTo("  Which deals?\n");
        assertThat(open.get("answer").isNull()).isTrue();
        assertThat(Json.write(open)).doesNotContain("secret", "alice");

        // a failed question's result has no answer; the request only in its delivery message (the first write dropped)
        ObjectNode failed = Json.object();
        failed.put("tracking_id", ID).put("status", "failed");
        failed.set("delivery_message", Json.object().put("status", "failed").putNull("response").putNull("response_plain")
                .set("webhook_request", Json.object().put("query", "Refused?")));
        ObjectNode view = StatusView.of(failed, true, true, StatusView.EndpointStates.NONE);
        assertThat(view.get("question").asText()).isEqualTo("Refused?");
        assertThat(view.get("answer").isNull()).as("content on request: null when there is no answer").isTrue();
        assertThat(StatusView.of(failed, true).get("answer").isObject()).as("STATUS_INCLUDE_ANSWER alone: as before").isTrue();

        ObjectNode none = Json.object();
        none.put("tracking_id", ID).put("status", "queued");
        assertThat(StatusView.of(none, false, true, StatusView.EndpointStates.NONE).get("question").isNull()).isTrue();
    }

    @Test
    void everyDeliveryWithItsAttemptLogInTheRecordsOrderAndNothingElseOfIt() {
        DeliveryEntriesTest flow = new DeliveryEntriesTest();
        flow.answeredFor(DeliveryEntriesTest.CRM, DeliveryEntriesTest.ZAP);
        flow.apply(flow.records.delivering(flow.delivery(DeliveryEntriesTest.ZAP)));
        Exchange failing = DeliveryEntriesTest.failed(flow.delivery(DeliveryEntriesTest.ZAP), DeliveryEntriesTest.http(503));
        failing.setProperty(FlowProperties.ATTEMPT_DURATION_MS, 1200L);
        failing.setProperty(FlowProperties.RESPONSE_EXCERPT, "busy");
        flow.apply(flow.records.deliveryDeferred("PT1M", failing));
        flow.apply(flow.records.delivering(flow.delivery(DeliveryEntriesTest.CRM)));
        Exchange ok = flow.delivery(DeliveryEntriesTest.CRM);
        ok.setProperty(FlowProperties.ATTEMPT_DURATION_MS, 41L);
        flow.apply(flow.ended(ok, "delivered"));
        flow.record.put("caller", "alice");

        ObjectNode view = StatusView.of(flow.record, false);

        assertThat(view.get("status").asText()).isEqualTo("delivering");
        JsonNode deliveries = view.get("deliveries");
        assertThat(deliveries).hasSize(2);
        JsonNode crm = deliveries.get(0);
        assertThat(crm.properties()).extracting(Map.Entry::getKey)
                .containsExactly("url", "webhook_id", "target", "status", "next_attempt_at", "parked_since", "attempts");
        assertThat(crm.get("url").asText()).isEqualTo("https://crm.example.com/hooks/answers");
        assertThat(crm.get("webhook_id").asText()).isEqualTo("msg_crm");
        assertThat(crm.get("target").asText()).isEqualTo("crm/answers");
        assertThat(crm.get("status").asText()).isEqualTo("delivered");
        assertThat(crm.get("next_attempt_at").isNull()).isTrue();
        JsonNode success = crm.get("attempts").get(0);
        assertThat(success.properties()).extracting(Map.Entry::getKey)
                .containsExactly("at", "http_status", "duration_ms", "error", "response_excerpt");
        assertThat(success.get("http_status").asInt()).isEqualTo(200);
        assertThat(success.get("duration_ms").asLong()).isEqualTo(41L);
        assertThat(success.get("error").isNull()).isTrue();
        assertThat(success.get("response_excerpt").isNull()).isTrue();

        JsonNode zap = deliveries.get(1);
        assertThat(zap.get("url").asText()).isEqualTo("https://hooks.zapier.example/catch/1");
        assertThat(zap.get("target").asText()).isEqualTo("crm/callback");
        assertThat(zap.get("status").asText()).isEqualTo("delivering");
        assertThat(zap.get("next_attempt_at").isTextual()).isTrue();
        JsonNode failed = zap.get("attempts").get(0);
        assertThat(failed.get("http_status").asInt()).isEqualTo(503);
        assertThat(failed.get("duration_ms").asLong()).isEqualTo(1200L);
        assertThat(failed.get("error").get("code").asText()).isEqualTo("HTTP_503");
        assertThat(failed.get("response_excerpt").asText()).isEqualTo("busy");

        // never the target's reference (the full callback URL with its key), the query's token or the caller
        assertThat(Json.write(view)).doesNotContain("s3cr3t", "k3y", "target_ref", "kind", "alice", "resent_at");
    }

    @Test
    void theViewsFieldsInTheirOrderOutcomeBesideTheStatus() {
        ObjectNode record = TrackingRecord.apply(null, ID, new StageEvent(TrackingStatus.FAILED,
                "2025-01-01T00:00:02.000000+00:00", 1, "the agent could not answer", r -> {
                    r.put("queued_at", "2025-01-01T00:00:00.000000+00:00");
                    r.put("processing_started_at", "2025-01-01T00:00:01.000000+00:00");
                    r.put("outcome", "failed");
                    r.put("failed_at", "2025-01-01T00:00:02.000000+00:00");
                    r.put("agent_attempts", 1);
                    r.put("session_id", ID);
                    r.put("source_system", "crm");
                    r.put("source_process", "review");
                    r.set("delivery_message", Json.object().put("status", "failed"));
                }));
        assertThat(StatusView.of(record, false).properties()).extracting(Map.Entry::getKey).containsExactly("success",
                "tracking_id", "status", "outcome", "queued_at", "processing_started_at", "failed_at", "updated_at",
                "agent_attempts", "last_error", "session_id", "source_system", "source_process", "deliveries", "history");
    }

    @Test
    void aRecordWithoutDeliveriesShowsAnEmptyList() {
        ObjectNode record = TrackingRecord.apply(null, ID, new StageEvent(TrackingStatus.DELIVERED,
                "2025-01-01T00:00:05.000000+00:00", 1, "HTTP 200", null));
        ObjectNode view = StatusView.of(record, false);
        assertThat(view.get("deliveries").isArray()).isTrue();
        assertThat(view.get("deliveries")).isEmpty();
        assertThat(view.get("status").asText()).isEqualTo("delivered");
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
