package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /webhook/{tracking_id}?include=content} on the real app (STATUS_INCLUDE_ANSWER left false): the question's
 * own caller gets its text as sent and the answer (null while there is none), anyone else the usual 404; another
 * {@code include} is a 400, and an operator who turned it off ({@code STATUS_CONTENT_ON_REQUEST=false}) gets a 403 for it.
 * Every answer is checked against the OpenAPI document.
 */
class StatusContentTest {

    static final String ALICE = "alice-key-content-0001";
    static final String BOB = "bob-key-content-00001";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    static ReceiverAndApp flow;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE + ",bob:" + BOB));
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
    void theOwnerGetsTheQuestionAsSentAndTheAnswer() throws Exception {
        String query = "Which deals closed this quarter?\n  Ünïcödé, \"quotes\" & <tags> kept as sent  ";
        String id = ask(ALICE, query);
        JsonNode view = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> content(ALICE, id), v -> "delivered".equals(v.path("status").asText()));
        assertThat(view.path("question").asText()).isEqualTo(query);
        assertThat(view.path("outcome").asText()).isEqualTo("answered");
        assertThat(view.path("answer").path("response").asText()).isNotBlank();
        assertThat(view.path("answer").path("response_plain").asText()).isNotBlank();
        assertThat(view.path("answer").path("response").asText())
                .isEqualTo(flow.receiver().deliveries().get(0).payload().path("ai_response").path("response").asText());

        // without asking, as before: neither (STATUS_INCLUDE_ANSWER is false)
        JsonNode plain = Json.MAPPER.readTree(app.send(get("/webhook/" + id, ALICE)).body());
        assertThat(plain.has("question")).isFalse();
        assertThat(plain.has("answer")).isFalse();
    }

    @Test
    void theAnswerIsNullWhileThereIsNoneAndAfterACancel() throws Exception {
        String id = ask(ALICE, "Take your time [emulator:latency=20000]");
        JsonNode open = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> content(ALICE, id), v -> v.has("tracking_id"));
        assertThat(open.path("outcome").isNull()).isTrue();
        assertThat(open.path("question").asText()).isEqualTo("Take your time [emulator:latency=20000]");
        assertThat(open.has("answer")).isTrue();
        assertThat(open.path("answer").isNull()).isTrue();

        assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).header("Authorization", "Bearer " + ALICE)
                .DELETE().build()).statusCode()).isEqualTo(202);
        JsonNode cancelled = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> content(ALICE, id), v -> "cancelled".equals(v.path("outcome").asText()));
        assertThat(cancelled.path("answer").isNull()).isTrue();
        assertThat(cancelled.path("question").asText()).startsWith("Take your time");
    }

    @Test
    void aFailedQuestionHasItsTextAndNoAnswer() throws Exception {
        String id = ask(ALICE, "Refuse this [emulator:validation]");
        JsonNode failed = await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> content(ALICE, id), v -> "failed".equals(v.path("outcome").asText()));
        assertThat(failed.path("question").asText()).isEqualTo("Refuse this [emulator:validation]");
        assertThat(failed.path("answer").isNull()).isTrue();
    }

    @Test
    void anotherCallerGetsTheUsual404() throws Exception {
        String id = ask(ALICE, "Only mine");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> content(ALICE, id).has("tracking_id"));
        HttpResponse<String> other = app.send(get("/webhook/" + id + "?include=content", BOB));
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).doesNotContain("Only mine");
        assertThat(Json.MAPPER.readTree(other.body()).path("error").asText()).isEqualTo("Unknown tracking id");
    }

    @Test
    void anyOtherIncludeIsABadRequest() throws Exception {
        String id = UUID.randomUUID().toString();
        for (String query : List.of("include=answer", "include=", "include", "include=content&include=history",
                "include=content,history", "include=CONTENT")) {
            HttpResponse<String> refused = app.send(get("/webhook/" + id + "?" + query, ALICE));
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText()).as(query)
                    .isEqualTo("Invalid include: the only value is include=content");
        }
        // a header of that name is no query parameter: the unknown id's 404, not a 400
        HttpResponse<String> header = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id))
                .header("Authorization", "Bearer " + ALICE).header("include", "answer").GET().build());
        assertThat(header.statusCode()).isEqualTo(404);
        // the key first: no key, 401
        assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook/" + id + "?include=content")).GET().build())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void anOperatorCanTurnItOff() throws Exception {
        try (GatewayTestApp off = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE,
                "gateway.status.content-on-request", "false", "gateway.webhook.url", flow.receiver().url()))) {
            String id = UUID.randomUUID().toString();
            HttpResponse<String> refused = off.send(HttpRequest.newBuilder(off.url("/webhook/" + id + "?include=content"))
                    .header("Authorization", "Bearer " + ALICE).GET().build());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText())
                    .isEqualTo("include=content is turned off on this gateway (STATUS_CONTENT_ON_REQUEST=false)");
            // the lookup itself is as before
            assertThat(off.send(HttpRequest.newBuilder(off.url("/webhook/" + id)).header("Authorization", "Bearer " + ALICE)
                    .GET().build()).statusCode()).isEqualTo(404);
        }
    }

    // --- helpers ---

    static String ask(String key, String query) throws Exception {
        return CallersDeliveryTest.accepted(app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question(query)))).build()));
    }

    static HttpRequest get(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    /** The status with its content, as {@code key} sees it now; an empty object while it answers anything but 200. */
    static JsonNode content(String key, String id) throws Exception {
        HttpResponse<String> response = app.send(get("/webhook/" + id + "?include=content", key));
        return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : Json.object();
    }
}
