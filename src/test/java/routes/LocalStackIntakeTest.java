package routes;

import java.util.List;
import java.util.Map;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intake scenario against LocalStack's SQS. Runs wherever Docker is present; skipped (not failed)
 * where it is not.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIntakeTest {

    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8")).withServices(LocalStackContainer.Service.SQS);

    @Test
    void requestIsQueuedOnLocalStack() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of(
                "gateway.sqs.endpoint", LOCALSTACK.getEndpointOverride(LocalStackContainer.Service.SQS).toString(),
                "gateway.aws.region", LOCALSTACK.getRegion(),
                "gateway.agent.stage-enabled", "false"))) {
            assertThat(app.postJson("/webhook", WebhookIntakeRouteTest.VALID).statusCode()).isEqualTo(202);
            List<Message> queued = app.drain(app.property("gateway.queue.requests"));
            assertThat(queued).hasSize(1);
            assertThat(queued.get(0).messageAttributes()).containsOnlyKeys("message_type", "tracking_id", "source_system");
        }
    }
}
