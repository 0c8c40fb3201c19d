package routes;

import java.time.Duration;
import java.util.Map;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long poll longer than the per-call timeout (the defaults: 20 s wait, 10 s timeout) must wait its
 * time and come back empty, not fail with a timeout.
 */
class SqsLongPollingTest {

    @Test
    void longPollOutlastsThePerCallTimeout() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.sqs.call-timeout-ms", "1000"))) {
            app.stopRoute("agent-invoke");
            String url = app.queueUrl(app.property("gateway.queue.requests"));
            long start = System.nanoTime();
            ReceiveMessageResponse response = app.sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(2));
            assertThat(response.messages()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }
}
