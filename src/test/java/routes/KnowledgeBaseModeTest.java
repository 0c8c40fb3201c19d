package routes;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import gateway.tracking.S3RecordStore;
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
        assertThat(app.agent().totalCalls()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRefusedQuestionIsAFailureWebhook() throws Exception {
        JsonNode payload = postAndAwaitWebhook("[emulator:validation] refused");
        assertThat(payload.get("type").asText()).isEqualTo("query.failed");
        assertThat(payload.get("error").get("code").asText()).isEqualTo("ValidationException");
    }

    @Test
    void aSessionIdContinuesTheKnowledgeBaseSessionBedrockMadeForItsFirstQuestion() throws Exception {
        JsonNode first = postAndAwaitWebhook(request("What is our refund policy?").put("session_id", "kb-conversation-1"), 1);
        JsonNode second = postAndAwaitWebhook(request("And for enterprise customers?").put("session_id", "kb-conversation-1"), 2);
        JsonNode other = postAndAwaitWebhook(request("A question of its own"), 3);

        assertThat(first.at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        assertThat(second.at("/ai_response/response").asText()).endsWith("Session turn: 2\n");
        assertThat(other.at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        assertThat(second.at("/ai_response/session_id").asText()).isEqualTo("kb-conversation-1");
        assertThat(other.at("/ai_response/session_id").asText()).isEqualTo(other.get("tracking_id").asText());
        // the gateway keeps the sessionId the knowledge base made (not one of its own: Bedrock takes no such thing)
        String agentSession = AgentSessions.agentSessionId(null, "kb-conversation-1", null);
        JsonNode kept = app.bean("recordStore", S3RecordStore.class).readSession(agentSession).orElseThrow().record();
        String bedrockSession = kept.get("knowledge_base_session_id").asText();
        assertThat(bedrockSession).isNotBlank().isNotEqualTo(agentSession).isNotEqualTo("kb-conversation-1");
        ProbedAgentEmulator emulator = app.agent();
        assertThat(emulator.turnsForSession(bedrockSession)).isEqualTo(2);
        assertThat(emulator.callsForSession(agentSession)).isZero();
        // a question without session_id is a conversation of one: nothing kept for it
        assertThat(app.bean("recordStore", S3RecordStore.class).readSession(other.get("tracking_id").asText())).isEmpty();
    }

    @Test
    void aKnowledgeBaseSessionPastItsLifetimeIsNotGivenBackAndANewOneIsKept() throws Exception {
        S3RecordStore store = app.bean("recordStore", S3RecordStore.class);
        String agentSession = AgentSessions.agentSessionId(null, "kb-conversation-old", null);
        store.updateSession(agentSession, r -> Json.object().put("agent_session_id", agentSession)
                .put("knowledge_base_session_id", "expired-bedrock-session")
                .put("knowledge_base_session_started_at", "2025-01-01T00:00:00Z"));

        JsonNode answer = postAndAwaitWebhook(request("Still there?").put("session_id", "kb-conversation-old"), 1);

        assertThat(answer.at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        ProbedAgentEmulator emulator = app.agent();
        assertThat(emulator.callsForSession("expired-bedrock-session")).isZero();
        JsonNode kept = store.readSession(agentSession).orElseThrow().record();
        assertThat(kept.get("knowledge_base_session_id").asText()).isNotEqualTo("expired-bedrock-session");
        assertThat(emulator.turnsForSession(kept.get("knowledge_base_session_id").asText())).isEqualTo(1);
        assertThat(OffsetDateTime.parse(kept.get("knowledge_base_session_started_at").asText()))
                .isAfter(OffsetDateTime.parse("2025-01-02T00:00:00Z"));
    }

    @Test
    void sessionAttributesAreRefusedInKnowledgeBaseMode() throws Exception {
        ObjectNode body = request("With attributes").put("session_id", "kb-conversation-2");
        body.putObject("session_attributes").put("region", "emea");
        var response = app.postJson("/webhook", Json.write(body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText())
                .isEqualTo("session attributes are not supported in knowledge-base mode");
    }

    private static ObjectNode request(String query) {
        return Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "kb");
    }

    /** POSTs the request (202) and returns the payload of the webhook it leads to, the {@code nth} of the test. */
    private static JsonNode postAndAwaitWebhook(ObjectNode body, int nth) throws Exception {
        assertThat(app.postJson("/webhook", Json.write(body)).statusCode()).isEqualTo(202);
        return receiver.awaitDeliveries(nth, Duration.ofSeconds(30)).get(nth - 1).payload();
    }

    /** POSTs the question (202) and returns the payload of the webhook it leads to. */
    private static JsonNode postAndAwaitWebhook(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "kb"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
        return receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).payload();
    }
}
