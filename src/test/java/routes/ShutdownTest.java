package routes;

import java.time.Duration;
import java.util.Map;

import gateway.json.Json;
import gateway.local.EmbeddedSqsServer;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import gateway.testing.ProbedAgentEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown with agent calls in flight, against an SQS that outlives the app: calls that finish within
 * the grace period are completed; the rest are made visible again at once for another replica.
 */
class ShutdownTest {

    EmbeddedSqsServer sqsServer;
    SqsClient sqs;

    @BeforeEach
    void startSqs() {
        sqsServer = new EmbeddedSqsServer(0);
        sqsServer.start();
        sqs = LocalAws.sqs(sqsServer.endpoint());
    }

    @AfterEach
    void stopSqs() {
        sqs.close();
        sqsServer.stop();
    }

    @Test
    void callsThatFinishWithinTheGracePeriodAreCompleted() throws Exception {
        stopWithTwoAgentCallsInFlight("10", "false", 2500);
        assertThat(visible("webhook-requests.fifo") + invisible("webhook-requests.fifo")).isZero();
        assertThat(visible("webhook-deliveries")).isEqualTo(2);
    }

    @Test
    void callsStillRunningAfterTheGracePeriodAreReleasedAtOnce() throws Exception {
        stopWithTwoAgentCallsInFlight("1", "true", 30000);
        // visible again now, not after the consumer's visibility lease (4 s in tests, 30 s by default)
        assertThat(visible("webhook-requests.fifo")).isEqualTo(2);
        assertThat(visible("webhook-deliveries")).isZero();
    }

    /**
     * Starts the app on this test's SQS with a shutdown grace period of {@code graceSeconds} and the delivery
     * stage on or off, posts two questions the agent answers after {@code agentLatencyMs}, and stops the app
     * once both agent calls are in flight.
     */
    private void stopWithTwoAgentCallsInFlight(String graceSeconds, String deliveryStage, int agentLatencyMs)
            throws Exception {
        GatewayTestApp app = GatewayTestApp.start(Map.of(
                "gateway.delivery.stage-enabled", deliveryStage,
                "gateway.sqs.endpoint", sqsServer.endpoint().toString(),
                "gateway.sqs.consumer-visibility-seconds", "20",
                "camel.main.shutdownTimeout", graceSeconds));
        ProbedAgentEmulator emulator = app.agent();
        post(app, "[emulator:latency=" + agentLatencyMs + "] one");
        post(app, "[emulator:latency=" + agentLatencyMs + "] two");
        await().atMost(Duration.ofSeconds(30)).until(() -> emulator.inFlight() == 2);
        app.close();
    }

    private static void post(GatewayTestApp app, String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "shutdown"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
    }

    private int visible(String queue) {
        return count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    private int invisible(String queue) {
        return count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private int count(String queue, QueueAttributeName attribute) {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(attribute))
                .attributes().get(attribute));
    }
}
