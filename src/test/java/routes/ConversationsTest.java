package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * session_id, session_attributes and prompt_session_attributes from the POST to the agent and back: the real
 * routes, the real SDK client against the agent emulator (whose answers end with "Session turn: N" and the
 * attributes it got), two callers of GATEWAY_API_KEYS.
 */
class ConversationsTest {

    static final String ALICE_KEY = "alice-key-0123456789abcdef";
    static final String BOB_KEY = "bob-key-0123456789abcdef";

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;
    static ProbedAgentEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE_KEY + ",bob:" + BOB_KEY));
        receiver = flow.receiver();
        app = flow.app();
        emulator = app.agent();
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
    void aFollowUpIsTheSecondTurnOfItsSessionAndTheAnswerNamesTheCallersSession() throws Exception {
        String first = accepted(ALICE_KEY, request("Which deals close this quarter?").put("session_id", "q3-review-1"));
        JsonNode answer1 = awaitPayload(first);
        String second = accepted(ALICE_KEY, request("And which of them are at risk?").put("session_id", "q3-review-1"));
        JsonNode answer2 = awaitPayload(second);

        assertThat(answer1.at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        assertThat(answer2.at("/ai_response/response").asText()).contains("You asked: \"And which of them are at risk?\"")
                .endsWith("Session turn: 2\n");
        assertThat(answer2.at("/ai_response/response_plain").asText()).contains("Session turn: 2");
        assertThat(answer1.at("/ai_response/session_id").asText()).isEqualTo("q3-review-1");
        assertThat(answer2.at("/ai_response/session_id").asText()).isEqualTo("q3-review-1");
        String agentSession = AgentSessions.agentSessionId("alice", "q3-review-1", null);
        assertThat(emulator.turnsForSession(agentSession)).isEqualTo(2);
        assertThat(emulator.callsForSession("q3-review-1")).as("the raw session_id never reaches the agent").isZero();
        assertThat(emulator.callsForSession(first)).isZero();

        // the record (status endpoint) and so the export carry the caller's own session_id too
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> status = app.send(HttpRequest.newBuilder(app.url("/webhook/" + second))
                    .header("Authorization", "Bearer " + ALICE_KEY).GET().build());
            assertThat(Json.MAPPER.readTree(status.body()).path("session_id").asText()).isEqualTo("q3-review-1");
        });
    }

    @Test
    void twoCallersWithOneSessionIdHaveTwoConversations() throws Exception {
        String alice = accepted(ALICE_KEY, request("Alice asks").put("session_id", "shared-name"));
        String bob = accepted(BOB_KEY, request("Bob asks").put("session_id", "shared-name"));

        assertThat(awaitPayload(alice).at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        assertThat(awaitPayload(bob).at("/ai_response/response").asText()).endsWith("Session turn: 1\n");
        String aliceSession = AgentSessions.agentSessionId("alice", "shared-name", alice);
        String bobSession = AgentSessions.agentSessionId("bob", "shared-name", bob);
        assertThat(aliceSession).isNotEqualTo(bobSession).isNotEqualTo("shared-name");
        assertThat(emulator.callsForSession(aliceSession)).isEqualTo(1);
        assertThat(emulator.callsForSession(bobSession)).isEqualTo(1);
        assertThat(emulator.callsForSession("shared-name")).isZero();
    }

    @Test
    void withoutASessionIdEachQuestionIsItsOwnSessionAsBefore() throws Exception {
        String id = accepted(ALICE_KEY, request("A question of its own"));
        JsonNode payload = awaitPayload(id);

        assertThat(payload.at("/ai_response/session_id").asText()).isEqualTo(id);
        assertThat(payload.at("/ai_response/response").asText()).endsWith("Session turn: 1\n").doesNotContain("attributes:");
        assertThat(emulator.callsForSession(id)).isEqualTo(1);
    }

    @Test
    void sessionAttributesReachTheAgentAsSessionState() throws Exception {
        ObjectNode body = request("Pipeline for my region").put("session_id", "attrs-1");
        body.putObject("session_attributes").put("region", "emea").put("crm_user", "ana@example.com");
        body.putObject("prompt_session_attributes").put("quarter", "Q3 2025");
        JsonNode payload = awaitPayload(accepted(BOB_KEY, body));

        String response = payload.at("/ai_response/response").asText();
        assertThat(response).contains("Session turn: 1\nSession attributes: crm_user=ana@example.com, region=emea\n"
                + "Prompt session attributes: quarter=Q3 2025\n");
        assertThat(payload.at("/original_query").asText()).isEqualTo("Pipeline for my region");
    }

    @Test
    void attributesAlsoWorkWithoutASessionId() throws Exception {
        ObjectNode body = request("One-off with context");
        body.putObject("prompt_session_attributes").put("today", "Monday");
        JsonNode payload = awaitPayload(accepted(ALICE_KEY, body));

        assertThat(payload.at("/ai_response/response").asText()).endsWith("Session turn: 1\nPrompt session attributes: today=Monday\n");
    }

    @Test
    void fieldsThatBreakTheRulesAreRefusedAndNothingIsQueued() throws Exception {
        int calls = emulator.totalCalls();
        refused(400, request("q").put("session_id", "x"), "Field 'session_id' must be a string of 2-100 characters");
        refused(400, request("q").put("session_id", "has space"), "Field 'session_id'");
        refused(400, request("q").put("session_id", "a".repeat(101)), "Field 'session_id'");
        refused(400, request("q").put("session_id", 42), "Field 'session_id'");
        refused(400, request("q").put("session_attributes", "region=emea"),
                "Field 'session_attributes' must be a JSON object whose values are strings");
        ObjectNode nonString = request("q");
        nonString.putObject("prompt_session_attributes").put("n", 1);
        refused(400, nonString, "Field 'prompt_session_attributes' must be a JSON object whose values are strings");
        ObjectNode emptyKey = request("q");
        emptyKey.putObject("session_attributes").put("", "v");
        refused(400, emptyKey, "keys must be 1-100 characters");
        ObjectNode longKey = request("q");
        longKey.putObject("session_attributes").put("k".repeat(101), "v");
        refused(400, longKey, "keys must be 1-100 characters");
        ObjectNode many = request("q");
        ObjectNode attributes = many.putObject("session_attributes");
        IntStream.rangeClosed(1, 51).forEach(i -> attributes.put("k" + i, "v"));
        refused(400, many, "Field 'session_attributes' has more than 50 keys");
        ObjectNode large = request("q");
        ObjectNode big = large.putObject("prompt_session_attributes");
        IntStream.rangeClosed(1, 5).forEach(i -> big.put("k" + i, "x".repeat(4000)));
        refused(413, large, "Field 'prompt_session_attributes' is too large (limit 16384 bytes of JSON)");

        assertThat(emulator.totalCalls()).isEqualTo(calls);
        assertThat(receiver.deliveries()).isEmpty();
    }

    @Test
    void aNullFieldIsAbsent() throws Exception {
        ObjectNode body = request("Nulls are absent");
        body.putNull("session_id");
        body.putNull("session_attributes");
        String id = accepted(ALICE_KEY, body);
        assertThat(awaitPayload(id).at("/ai_response/session_id").asText()).isEqualTo(id);
    }

    @Test
    void theAgentStageDerivesTheSessionFromTheQueuedRequestAndNeverFromAMessageAttribute() throws Exception {
        String trackingId = UUID.randomUUID().toString();
        ObjectNode message = Json.object().put("message_type", "webhook_processing_request").put("tracking_id", trackingId)
                .put("queued_at", "2025-08-13T06:30:01Z").put("attempt", 1).put("max_attempts", 3).put("caller", "bob");
        message.set("webhook_request", request("Queued by hand").put("session_id", "by-hand-1"));
        app.sqs().sendMessage(r -> r.queueUrl(app.queueUrl(app.property("gateway.queue.requests"))).messageBody(Json.write(message))
                .messageGroupId(trackingId).messageDeduplicationId(trackingId)
                .messageAttributes(Map.of("agent_session_id", stringAttribute("forged-session"),
                        "tracking_id", stringAttribute(trackingId))));

        JsonNode payload = awaitPayload(trackingId);
        assertThat(payload.at("/ai_response/session_id").asText()).isEqualTo("by-hand-1");
        assertThat(emulator.callsForSession(AgentSessions.agentSessionId("bob", "by-hand-1", trackingId))).isEqualTo(1);
        assertThat(emulator.callsForSession("forged-session")).isZero();
    }

    @Test
    void aQueuedRequestWithAnInvalidSessionIdIsDeadLetteredWithTheReason() throws Exception {
        String requests = app.property("gateway.queue.requests");
        app.drain(app.dlq("requests"));
        ObjectNode message = Json.object().put("message_type", "webhook_processing_request")
                .put("tracking_id", UUID.randomUUID().toString()).put("caller", "bob");
        message.set("webhook_request", request("Bad session").put("session_id", "not valid!"));
        int calls = emulator.totalCalls();
        String group = message.path("tracking_id").asText();
        app.sqs().sendMessage(r -> r.queueUrl(app.queueUrl(requests)).messageBody(Json.write(message))
                .messageGroupId(group).messageDeduplicationId(group));

        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("requests")) == 1);
        var dead = app.drain(app.dlq("requests")).get(0);
        assertThat(dead.messageAttributes().get("failure_reason").stringValue()).contains("invalid session_id");
        assertThat(emulator.totalCalls()).isEqualTo(calls);
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    static ObjectNode request(String query) {
        return Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "conversations");
    }

    private static HttpResponse<String> post(String key, ObjectNode body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    /** POSTs (202) and returns the tracking id. */
    static String accepted(String key, ObjectNode body) throws Exception {
        HttpResponse<String> response = post(key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    private static void refused(int status, ObjectNode body, String message) throws Exception {
        HttpResponse<String> response = post(ALICE_KEY, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).contains(message);
    }

    /** The delivered payload of one request. */
    static JsonNode awaitPayload(String trackingId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<JsonNode> mine = receiver.deliveries().stream().map(LocalReceiver.Delivery::payload)
                    .filter(p -> trackingId.equals(p.path("tracking_id").asText())).collect(Collectors.toList());
            return mine.isEmpty() ? null : mine.get(0);
        }, p -> p != null);
    }
}
