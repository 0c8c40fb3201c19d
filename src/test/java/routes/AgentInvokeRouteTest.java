package routes;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent stage on the real app: embedded SQS, the agent emulator speaking the InvokeAgent event
 * stream to the real SDK client. The delivery route is stopped so the deliveries queue can be read.
 */
class AgentInvokeRouteTest {

    static GatewayTestApp app;
    static ProbedAgentEmulator emulator;
    static String requests;
    static String deliveries;

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of("gateway.queue.max-receive-count", "2",
                // two receives allow a one-step schedule (a longer one is refused at start)
                "gateway.delivery.schedule", "1s",
                "gateway.delivery.stage-enabled", "false"));
        emulator = app.agent();
        requests = app.property("gateway.queue.requests");
        deliveries = app.property("gateway.queue.deliveries");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void clean() {
        app.drain(deliveries);
        app.drain(app.dlq("requests"));
    }

    @Test
    void answerAndPlainTextGoToTheDeliveriesQueueAndTheRequestIsDeleted() throws Exception {
        String trackingId = post("What is the deal status for IXIS?");
        JsonNode delivery = awaitDelivery(trackingId);

        assertThat(delivery.get("message_type").asText()).isEqualTo("webhook_delivery");
        assertThat(delivery.get("status").asText()).isEqualTo("answered");
        assertThat(delivery.get("webhook_id").asText()).isEqualTo("msg_" + trackingId);
        assertThat(delivery.get("session_id").asText()).isEqualTo(trackingId);
        assertThat(delivery.get("webhook_request").get("query").asText()).isEqualTo("What is the deal status for IXIS?");
        assertThat(delivery.get("webhook_request").get("extra").asText()).isEqualTo("kept");
        assertThat(delivery.get("response").asText()).contains("**Negotiation**").contains("```sql");
        assertThat(delivery.get("response_plain").asText())
                .contains("deal_stage", "close_date", "$1.2M * 2", "- Owner: Jürgen Müller 😀", "the pipeline report")
                .doesNotContain("**").doesNotContain("```");
        assertThat(delivery.get("agent_duration_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(delivery.hasNonNull("answered_at")).isTrue();
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
        assertThat(app.depth(app.dlq("requests"))).isZero();
    }

    @Test
    void throttledTwiceThenAnsweredInThreeCalls() throws Exception {
        String trackingId = post("[emulator:throttle=2] Pipeline for ACME?");
        JsonNode delivery = awaitDelivery(trackingId);
        assertThat(delivery.get("status").asText()).isEqualTo("answered");
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(3);
    }

    @Test
    void validationErrorIsAFailureResultAfterOneCall() throws Exception {
        String trackingId = post("[emulator:validation] Something the agent refuses");
        JsonNode delivery = awaitDelivery(trackingId);
        assertThat(delivery.get("status").asText()).isEqualTo("failed");
        assertThat(delivery.get("error").get("code").asText()).isEqualTo("ValidationException");
        assertThat(delivery.get("response").isNull()).isTrue();
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
    }

    @Test
    void errorEventMidStreamIsRetriedAndTheAnswerIsNotDuplicated() throws Exception {
        String trackingId = post("[emulator:stream-error=1] Forecast for Q4?");
        JsonNode delivery = awaitDelivery(trackingId);
        String answer = delivery.get("response").asText();
        assertThat(delivery.get("status").asText()).isEqualTo("answered");
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(2);
        assertThat(answer.indexOf("# Pipeline answer")).isEqualTo(answer.lastIndexOf("# Pipeline answer")).isZero();
        assertThat(answer.indexOf("```sql")).isEqualTo(answer.lastIndexOf("```sql"));
    }

    @Test
    void multiByteCharactersSplitAcrossChunksArriveIntact() throws Exception {
        String trackingId = post("[emulator:split-utf8] [emulator:chunk-size=5] Umsätze in €?");
        JsonNode delivery = awaitDelivery(trackingId);
        assertThat(delivery.get("response").asText()).contains("Jürgen Müller 😀", "2.2M €").doesNotContain("\uFFFD");
        assertThat(delivery.get("response_plain").asText()).contains("Jürgen Müller 😀").doesNotContain("\uFFFD");
    }

    @Test
    void agentSlowerThanTheVisibilityTimeoutIsCalledExactlyOnce() throws Exception {
        // the consumer's visibility timeout is 4 s in tests; the agent takes 7 s
        String trackingId = post("[emulator:latency=7000] A slow question");
        JsonNode delivery = awaitDelivery(trackingId);
        assertThat(delivery.get("status").asText()).isEqualTo("answered");
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(1);
        // the request is deleted after its answer is queued for delivery (never before): the webhook may come first
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
    }

    @Test
    void unparseableMessageGoesToTheDlqAtOnceWithAReason() {
        String url = app.queueUrl(requests);
        app.sqs().sendMessage(r -> r.queueUrl(url).messageBody("{not json")
                .messageGroupId("not-json").messageDeduplicationId("not-json"));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("requests")) == 1);
        Message dead = app.drain(app.dlq("requests")).get(0);
        assertThat(dead.body()).isEqualTo("{not json");
        assertThat(dead.messageAttributes().get("failure_reason").stringValue()).contains("not valid JSON");
        assertThat(dead.messageAttributes().get("failed_stage").stringValue()).isEqualTo("agent-invoke");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
    }

    @Test
    void transientErrorsOnTheLastReceiveEndTheConversationAndTellTheCaller() throws Exception {
        String trackingId = post("[emulator:throttle=1000] Always throttled");
        // 1 call + 3 route retries per receive; on the 2nd receive (max-receive-count 2) the gateway gives up itself
        JsonNode failure = awaitDelivery(trackingId);
        assertThat(failure.get("status").asText()).isEqualTo("failed");
        assertThat(failure.get("webhook_id").asText()).isEqualTo("msg_" + trackingId);
        assertThat(failure.get("error").get("code").asText()).isEqualTo("ThrottlingException");
        assertThat(failure.get("error").get("transient").asBoolean()).isTrue();
        assertThat(failure.get("error").get("message").asText()).contains("on 2 receives");
        assertThat(emulator.callsForSession(trackingId)).isEqualTo(8);

        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("requests")) == 1);
        Message dead = app.drain(app.dlq("requests")).get(0);
        assertThat(Json.MAPPER.readTree(dead.body()).get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(Json.MAPPER.readTree(dead.body()).get("message_type").asText()).as("the request as received").isEqualTo("webhook_processing_request");
        // written by the gateway, with its reason: not moved by SQS's redrive policy
        assertThat(dead.messageAttributes().get("failure_reason").stringValue()).contains("ThrottlingException");
        assertThat(dead.messageAttributes().get("failed_stage").stringValue()).isEqualTo("agent-invoke");
        assertThat(dead.messageAttributes().get("attempts").stringValue()).isEqualTo("2");
        // deleted after its DLQ entry is written (never before)
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
    }

    private String post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "agent_stage").put("extra", "kept"));
        var response = app.postJson("/webhook", body);
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    private JsonNode awaitDelivery(String trackingId) {
        String url = app.queueUrl(deliveries);
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (Message m : app.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .messageAttributeNames("All")).messages()) {
                JsonNode body = Json.MAPPER.readTree(m.body());
                if (trackingId.equals(body.get("tracking_id").asText())) {
                    assertThat(m.messageAttributes()).containsOnlyKeys("message_type", "tracking_id", "source_system");
                    assertThat(m.messageAttributes().get("message_type").stringValue()).isEqualTo("webhook_delivery");
                    assertThat(m.messageAttributes().get("tracking_id").stringValue()).isEqualTo(trackingId);
                    app.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                    found[0] = body;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
