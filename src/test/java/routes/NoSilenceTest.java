package routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * No question ends in silence: an agent that stays throttled on every receive SQS allows is given up by the
 * gateway itself, which tells the caller (a signed query.failed webhook naming the cause), marks the record
 * failed and dead-letters the request with its reason; nothing is left for SQS's redrive policy to move.
 */
class NoSilenceTest {

    static ReceiverAndApp flow;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of(
                "gateway.queue.max-receive-count", "2",
                "gateway.delivery.schedule", "1s",
                "gateway.agent.retry.max", "0",
                // the consumer's lease is renewed while it works: at 1 s a loaded machine let it lapse mid-processing
                // (a third receive, moved to the DLQ by SQS itself, beside the gateway's own entry); retries here are
                // timed by the schedule, not by this
                "gateway.sqs.consumer-visibility-seconds", "3"));
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void anAgentThrottledOnEveryReceiveEndsAsAFailureTheCallerIsToldOf() throws Exception {
        flow.reset();
        flow.app().drain(flow.app().dlq("requests"));
        var accepted = flow.app().postJson("/webhook", Json.write(Json.object().put("query", "[emulator:throttle=1000] busy")
                .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "no-silence")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();

        List<ScriptedReceiver.Delivery> delivered = flow.receiver().awaitDeliveries(1, Duration.ofSeconds(60));
        ScriptedReceiver.Delivery failure = delivered.get(0);
        assertThat(failure.signatureValid()).isTrue();
        JsonNode payload = Json.MAPPER.readTree(failure.body());
        assertThat(payload.get("type").asText()).isEqualTo("query.failed");
        assertThat(payload.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(payload.get("error").get("code").asText()).isEqualTo("ThrottlingException");
        assertThat(payload.get("error").get("transient").asBoolean()).isTrue();

        ObjectNode record = TrackingRouteTestSupport.awaitStatus(flow.app(), trackingId, "delivered");
        assertThat(record.get("agent_attempts").asInt()).isEqualTo(2);
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("ThrottlingException");
        assertThat(record.get("history").toString()).contains("\"status\":\"failed\"");

        String dlq = flow.app().dlq("requests");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> flow.app().depth(dlq) == 1);
        List<Message> dead = flow.app().drain(dlq);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageAttributes().get("failure_reason").stringValue()).startsWith("RetryableAgentException")
                .contains("ThrottlingException");
        assertThat(dead.get(0).messageAttributes().get("attempts").stringValue()).isEqualTo("2");
    }

    @Test
    void aRedriveAfterTheFailureAsksAgainAndTheAnswerIsANewMessage() throws Exception {
        flow.reset();
        flow.app().drain(flow.app().dlq("requests"));
        var accepted = flow.app().postJson("/webhook", Json.write(Json.object().put("query", "[emulator:throttle=2] busy, then free")
                .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "redrive")));
        String trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();
        ScriptedReceiver.Delivery failure = flow.receiver().awaitDeliveries(1, Duration.ofSeconds(60)).get(0);
        assertThat(Json.MAPPER.readTree(failure.body()).get("type").asText()).isEqualTo("query.failed");
        TrackingRouteTestSupport.awaitStatus(flow.app(), trackingId, "delivered");
        String dlq = flow.app().dlq("requests");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> flow.app().depth(dlq) == 1);

        var redrive = flow.app().send(java.net.http.HttpRequest.newBuilder(flow.app().managementUrl("/admin/dlq/requests/redrive"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(redrive.statusCode()).as(redrive.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(redrive.body()).path("redriven").asInt()).as(redrive.body()).isEqualTo(1);

        List<ScriptedReceiver.Delivery> both = flow.receiver().awaitDeliveries(2, Duration.ofSeconds(60));
        JsonNode answer = Json.MAPPER.readTree(both.get(1).body());
        assertThat(answer.get("type").asText()).as("the answer after the earlier failure").isEqualTo("query.answered");
        assertThat(answer.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(both.get(1).signatureValid()).isTrue();
        // a new message for the receiver, not a retry of the failure it may have deduplicated on
        assertThat(both.get(0).webhookId()).isEqualTo("msg_" + trackingId);
        assertThat(both.get(1).webhookId()).isEqualTo("msg_" + trackingId + "_r1");

        ObjectNode record = TrackingRouteTestSupport.awaitStatus(flow.app(), trackingId, "delivered");
        assertThat(record.get("redrives").asInt()).isEqualTo(1);
        assertThat(record.get("history").toString()).contains("redriven from the requests DLQ (#1): the agent is asked again")
                .contains("\"status\":\"answered\"");
        assertThat(flow.app().depth(dlq)).isZero();
    }
}
