package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsOutbound;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code sqs} endpoint through the whole app: the caller's answer arrives on its queue (the app's embedded
 * ElasticMQ, named by an AWS queue URL: the destinations' client goes to {@code SQS_ENDPOINT}, which finds the queue by
 * its name) as the exact webhook payload with the signature attributes, verifiable with the caller's secret; a queue
 * that does not exist pauses the endpoint and parks the delivery ({@code sqs_not_found}), and once the queue exists a
 * resume delivers it.
 */
class AwsDestinationDeliveryTest {

    static final String KEY = "sqs-key-0001-aaaaaaaaaaaaaaa";
    static final String MISSING_KEY = "sqs-key-0002-bbbbbbbbbbbbbbb";
    static final String SECRET = CallersDeliveryTest.secret(9);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String QUEUE = "crm-answers";
    static final String LATE_QUEUE = "late-answers";

    static CallersTestbed bed;
    static GatewayTestApp app;
    static String queueUrl;

    @BeforeAll
    static void start() throws Exception {
        bed = CallersTestbed.withReceivers();
        app = bed.start("""
                callers:
                  - name: crm
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: answers-queue
                        type: sqs
                        url: https://sqs.us-east-1.amazonaws.com/000000000000/%s
                  - name: late
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: not-yet
                        type: sqs
                        url: https://sqs.us-east-1.amazonaws.com/000000000000/%s
                """.formatted(KEY, SECRET, QUEUE, MISSING_KEY, SECRET, LATE_QUEUE),
                Map.of("gateway.admin.token", "admin-token-for-tests-0002",
                        // a paused endpoint is probed only much later: here a resume is what delivers its parked answer
                        "gateway.endpoints.probe-min", "10m",
                        "gateway.endpoints.probe-max", "20m",
                        "gateway.endpoints.health-cache-seconds", "1",
                        "gateway.delivery.schedule", "1s")).app();
        queueUrl = app.sqs().createQueue(r -> r.queueName(QUEUE)).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void clean() {
        bed.reset();
    }

    static List<Message> receive(String url) {
        return app.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
    }

    @Test
    void theCallersAnswerArrivesOnItsQueueSignedAndVerifiable() throws Exception {
        String id = EndpointTestSupport.post(app, KEY, "Which deals close this quarter?");
        Message[] got = new Message[1];
        await().atMost(WAIT).until(() -> {
            List<Message> messages = receive(queueUrl);
            messages.stream().filter(m -> m.body().contains(id)).findFirst().ifPresent(m -> got[0] = m);
            return got[0] != null;
        });
        Message message = got[0];
        JsonNode payload = Json.MAPPER.readTree(message.body());
        assertThat(payload.path("type").asText()).isEqualTo("query.answered");
        assertThat(payload.path("tracking_id").asText()).isEqualTo(id);
        assertThat(message.messageAttributes()).containsOnlyKeys(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP,
                WebhookSigner.HEADER_SIGNATURE, AwsOutbound.HEADER_TYPE);
        String webhookId = message.messageAttributes().get(WebhookSigner.HEADER_ID).stringValue();
        assertThat(webhookId).startsWith("msg_").contains(id);
        assertThat(new WebhookSigner(SECRET).check(webhookId, message.messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(),
                message.body(), message.messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue()).isValid()).isTrue();

        await().atMost(WAIT).until(() -> "delivered".equals(EndpointTestSupport.delivery(app, KEY, id, "crm/answers-queue")
                .path("status").asText()));
        // the attempt log has SQS's answer (the message id), not the payload again
        JsonNode attempt = EndpointTestSupport.delivery(app, KEY, id, "crm/answers-queue").path("attempts").get(0);
        assertThat(attempt.path("response_excerpt").asText()).isEqualTo("{\"message_id\":\"" + message.messageId() + "\"}");
        // counted as a webhook's attempt is, by its caller and endpoint
        await().atMost(WAIT).untilAsserted(() -> assertThat(app.get(app.managementUrl("/observe/metrics")).body())
                .contains("gateway_delivery_attempts_total{caller=\"crm\",endpoint=\"answers-queue\",outcome=\"delivered\",status_class=\"2xx\"}")
                .contains("gateway_deliveries_total{caller=\"crm\",endpoint=\"answers-queue\",outcome=\"delivered\"}"));
    }

    @Test
    void aTestEventOfTheEndpointGoesToItsQueueAndTheAnswerSaysSo() throws Exception {
        HttpResponse<String> tested = app.send(HttpRequest.newBuilder(app.url("/endpoints/answers-queue/test"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(tested.statusCode()).as(tested.body()).isEqualTo(200);
        JsonNode result = Json.MAPPER.readTree(tested.body());
        assertThat(result.path("delivered").asBoolean()).as(tested.body()).isTrue();
        Message[] got = new Message[1];
        await().atMost(WAIT).until(() -> {
            receive(queueUrl).stream().filter(m -> m.body().contains("endpoint.test")).findFirst().ifPresent(m -> got[0] = m);
            return got[0] != null;
        });
        assertThat(got[0].messageAttributes().get(AwsOutbound.HEADER_TYPE).stringValue()).isEqualTo("endpoint.test");
        assertThat(new WebhookSigner(SECRET).check(got[0].messageAttributes().get(WebhookSigner.HEADER_ID).stringValue(),
                got[0].messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(), got[0].body(),
                got[0].messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue()).isValid()).isTrue();
    }

    @Test
    void aMissingQueuePausesTheEndpointAndParksTheDeliveryUntilTheQueueExistsAndItIsResumed() throws Exception {
        String id = EndpointTestSupport.post(app, MISSING_KEY, "Where does this answer go?");
        await().atMost(WAIT).until(() -> "parked".equals(EndpointTestSupport.delivery(app, MISSING_KEY, id, "late/not-yet")
                .path("status").asText()));
        JsonNode endpoint = Json.MAPPER.readTree(app.send(HttpRequest.newBuilder(app.url("/endpoints"))
                .header("Authorization", "Bearer " + MISSING_KEY).GET().build()).body()).path("endpoints").get(0);
        assertThat(endpoint.path("state").asText()).isEqualTo("paused");
        assertThat(endpoint.path("last_error").asText()).isEqualTo("sqs_not_found");
        assertThat(app.get(app.managementUrl("/observe/metrics")).body())
                .contains("gateway_delivery_attempts_total{caller=\"late\",endpoint=\"not-yet\",outcome=\"rejected\",status_class=\"4xx\"}");

        // the owner creates the queue and resumes the endpoint: the parked answer goes
        String late = app.sqs().createQueue(r -> r.queueName(LATE_QUEUE)).queueUrl();
        HttpResponse<String> resumed = app.send(HttpRequest.newBuilder(app.url("/endpoints/not-yet/resume"))
                .header("Authorization", "Bearer " + MISSING_KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> "delivered".equals(EndpointTestSupport.delivery(app, MISSING_KEY, id, "late/not-yet")
                .path("status").asText()));
        List<Message> arrived = receive(late);
        assertThat(arrived).hasSize(1);
        assertThat(arrived.get(0).body()).contains(id);
        assertThat(new WebhookSigner(SECRET).check(arrived.get(0).messageAttributes().get(WebhookSigner.HEADER_ID).stringValue(),
                arrived.get(0).messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(), arrived.get(0).body(),
                arrived.get(0).messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue()).isValid()).isTrue();
    }
}
