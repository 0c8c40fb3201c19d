package routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.LocalReceiver;
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
                "gateway.sqs.consumer-visibility-seconds", "1"));
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void anAgentThrottledOnEveryReceiveEndsAsAFailureTheCallerIsToldOf() throws Exception {
        var accepted = flow.app().postJson("/webhook", Json.write(Json.object().put("query", "[emulator:throttle=1000] busy")
                .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "no-silence")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();

        List<LocalReceiver.Delivery> delivered = flow.receiver().awaitDeliveries(1, Duration.ofSeconds(60));
        LocalReceiver.Delivery failure = delivered.get(0);
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

        String dlq = flow.app().property("gateway.queue.requests") + "-dlq";
        List<Message> dead = flow.app().drain(dlq);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageAttributes().get("failure_reason").stringValue()).startsWith("RetryableAgentException")
                .contains("ThrottlingException");
        assertThat(dead.get(0).messageAttributes().get("attempts").stringValue()).isEqualTo("2");
    }
}
