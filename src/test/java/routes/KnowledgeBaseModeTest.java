package routes;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.local.AgentEmulator;
import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** AGENT_MODE=knowledge-base: Camel's aws-bedrock-agent-runtime endpoint (retrieveAndGenerate) against the emulator. */
class KnowledgeBaseModeTest {

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(null, Map.of(
                "gateway.agent.mode", "knowledge-base",
                "gateway.agent.knowledge-base-id", "KBTEST0001",
                "gateway.agent.model-id", "anthropic.claude-3-haiku-20240307-v1:0"));
        receiver = flow.receiver();
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @BeforeEach
    void clean() {
        flow.reset();
    }

    @Test
    void answersFromTheKnowledgeBaseAndFollowsTheSameRetryRules() throws Exception {
        JsonNode payload = postAndAwaitWebhook("[emulator:throttle=1] What is our refund policy?");
        assertThat(payload.get("type").asText()).isEqualTo("query.answered");
        assertThat(payload.get("ai_response").get("response").asText()).isNotBlank();
        assertThat(payload.get("ai_response").get("response_plain").asText()).isNotBlank();
        assertThat(app.bean("agentEmulator", AgentEmulator.class).totalCalls()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRefusedQuestionIsAFailureWebhook() throws Exception {
        JsonNode payload = postAndAwaitWebhook("[emulator:validation] refused");
        assertThat(payload.get("type").asText()).isEqualTo("query.failed");
        assertThat(payload.get("error").get("code").asText()).isEqualTo("ValidationException");
    }

    /** POSTs the question (202) and returns the payload of the webhook it leads to. */
    private static JsonNode postAndAwaitWebhook(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "kb"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
        return receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).payload();
    }
}
