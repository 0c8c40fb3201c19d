package routes;

import java.util.List;
import java.util.Map;

import gateway.local.EmbeddedSqsServer;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code SQS_ENDPOINT} set the gateway uses that server (here an ElasticMQ started by the test,
 * outside the app), creates its queues there in dev, and queues requests on it.
 */
class ExternalSqsEndpointTest {

    @Test
    void usesTheConfiguredSqsServer() throws Exception {
        EmbeddedSqsServer external = new EmbeddedSqsServer(0);
        external.start();
        try (GatewayTestApp app = GatewayTestApp.start(Map.of(
                "gateway.sqs.endpoint", external.endpoint().toString(),
                "gateway.queue.requests", "ext-requests.fifo",
                "gateway.queue.requests-dlq", "ext-requests-dlq.fifo",
                "gateway.queue.deliveries", "ext-deliveries",
                "gateway.queue.deliveries-dlq", "ext-deliveries-dlq",
                "gateway.agent.stage-enabled", "false"))) {
            assertThat(app.queueUrl("ext-requests-dlq.fifo")).contains(":" + external.port() + "/");
            assertThat(app.postJson("/webhook", WebhookIntakeRouteTest.VALID).statusCode()).isEqualTo(202);
            List<Message> queued = app.drain("ext-requests.fifo");
            assertThat(queued).hasSize(1);
            assertThat(queued.get(0).body()).contains("What is the deal status for IXIS?");
        } finally {
            external.stop();
        }
    }
}
