package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

import gateway.delivery.WebhookSigner;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas sharing their queues and their store, as in a cluster: a captured signed request is accepted by the
 * first replica it reaches and refused as a replay by the other (the webhook-id is claimed in the shared store, not
 * only in each replica's memory), so N replicas never mean N paid agent runs for one request.
 */
class ReplayAcrossReplicasTest {

    static final String SECRET = WebhookSigner.generateSecret();
    static final String BODY = """
            {"source_process":"replay_test","timestamp":"2025-08-13T06:30:00Z","source_system":"crm","query":"Replayed?"}""";

    static GatewayTestApp first;
    static GatewayTestApp second;

    @BeforeAll
    static void start() throws Exception {
        first = GatewayTestApp.start(Map.of("gateway.inbound-signing.secret", SECRET,
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
        // the second replica uses the first one's SQS and S3 (no stand-ins of its own); the embedded S3 has no
        // conditional writes, so its claims are a HEAD then a PUT, as the first replica's are
        second = GatewayTestApp.start(Map.of("gateway.inbound-signing.secret", SECRET,
                "gateway.sqs.endpoint", first.property("gateway.sqs.endpoint"),
                "gateway.s3.endpoint", first.property("gateway.s3.endpoint"), "gateway.s3.conditional-writes", "false",
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aSignedRequestIsAcceptedOnceAcrossReplicas() throws Exception {
        Map<String, String> signed = new WebhookSigner(SECRET).headers("msg_replayed_1", Instant.now().getEpochSecond(), BODY);
        HttpResponse<String> accepted = post(first, signed);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        HttpResponse<String> elsewhere = post(second, signed);
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(elsewhere.body()).path("error").asText())
                .isEqualTo("Webhook already received (replayed webhook-id)");
        assertThat(post(first, signed).statusCode()).as("and again where it was first accepted").isEqualTo(401);

        String requests = first.property("gateway.queue.requests");
        assertThat(first.drain(requests)).as("one request queued in all").hasSize(1);

        // another id, first to the second replica: the same the other way round
        Map<String, String> other = new WebhookSigner(SECRET).headers("msg_replayed_2", Instant.now().getEpochSecond(), BODY);
        assertThat(post(second, other).statusCode()).isEqualTo(202);
        assertThat(post(first, other).statusCode()).isEqualTo(401);
        assertThat(first.drain(requests)).hasSize(1);
    }

    static HttpResponse<String> post(GatewayTestApp app, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY));
        headers.forEach(request::header);
        return app.send(request.build());
    }
}
