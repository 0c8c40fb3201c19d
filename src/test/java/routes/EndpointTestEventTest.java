package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static gateway.testing.IndependentVerifier.signedWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /endpoints/{name}/test} on the real app: a callers file with crm (endpoints "answers" and "tokened", whose
 * URL carries a token in its query) and zap ("hooks"), receivers checking every webhook against the OpenAPI document's
 * {@code webhooks}, every answer checked against the document too. The test event is signed with the caller's secret,
 * reported as the receiver answered it, never retried, and leaves the endpoint's health as it was.
 */
class EndpointTestEventTest {

    static final String CRM_KEY = "crm-key-0002-aaaaaaaaaaaa";
    static final String ZAP_KEY = "zap-key-0002-cccccccccccc";
    static final String CRM_SECRET = CallersDeliveryTest.secret(5);
    static final String ZAP_SECRET = CallersDeliveryTest.secret(6);
    static final String TOKEN = "tok3n-in-the-query-0001";

    static CallersTestbed bed;
    static ScriptedReceiver answers;
    static ScriptedReceiver zap;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        bed = CallersTestbed.withReceivers("answers", "zap");
        answers = bed.receiver("answers");
        zap = bed.receiver("zap");
        app = bed.start("""
                callers:
                  - name: crm
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: answers
                        url: %scrm/answers
                      - name: tokened
                        url: %scrm/tokened?token=%s
                    callback_urls: ["http://127.0.0.1:%d/cb/*"]
                  - name: zap
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: hooks
                        url: %szap
                """.formatted(CRM_KEY, CRM_SECRET, answers.url(), answers.url(), TOKEN, answers.port(), ZAP_KEY, ZAP_SECRET,
                        zap.url()),
                Map.of("gateway.endpoints.health-cache-seconds", "1", "gateway.endpoints.check-seconds", "1")).app();
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

    @AfterEach
    void resume() throws Exception {
        ok(app.send(post("/endpoints/answers/resume", CRM_KEY)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "healthy".equals(endpoint(CRM_KEY, "answers").path("state").asText()));
    }

    @Test
    void theTestEventIsSignedDeliveredAndReported() throws Exception {
        JsonNode result = ok(app.send(post("/endpoints/answers/test", CRM_KEY)));
        assertThat(result.path("endpoint").asText()).isEqualTo("answers");
        assertThat(result.path("delivered").asBoolean()).isTrue();
        assertThat(result.path("http_status").asInt()).isEqualTo(200);
        assertThat(result.path("duration_ms").isIntegralNumber()).isTrue();
        assertThat(result.path("response_excerpt").asText()).isEqualTo("{\"received\":true}");
        assertThat(result.path("error").isNull()).isTrue();
        String webhookId = result.path("webhook_id").asText();
        assertThat(webhookId).startsWith("evt_").endsWith("_answers");

        // sent before the answer: the receiver has it, signed with the caller's secret, about no question
        List<LocalReceiver.Delivery> got = answers.awaitDeliveries(1, Duration.ofSeconds(30));
        assertThat(got).hasSize(1);
        LocalReceiver.Delivery test = got.get(0);
        assertThat(test.path()).isEqualTo("/crm/answers");
        assertThat(test.webhookId()).isEqualTo(webhookId);
        assertThat(signedWith(test, CRM_SECRET)).isTrue();
        assertThat(test.header("X-Tracking-ID")).isNull();
        assertThat(test.header("Authorization")).as("nothing of the caller's request goes out").isNull();
        assertThat(test.payload().path("type").asText()).isEqualTo("endpoint.test");
        assertThat(test.payload().path("data").path("caller").asText()).isEqualTo("crm");
        assertThat(test.payload().path("data").path("endpoint").asText()).isEqualTo("answers");
        // the endpoint's health is as it was: a test is no delivery
        assertThat(endpoint(CRM_KEY, "answers").path("last_success_at").isNull()).isTrue();
    }

    @Test
    void aFailingReceiversStatusAndBodyAreReportedOnceWithoutTouchingTheHealth() throws Exception {
        answers.respondByDefault(LocalReceiver.Response.status(503));
        JsonNode result = ok(app.send(post("/endpoints/answers/test", CRM_KEY)));
        assertThat(result.path("delivered").asBoolean()).isFalse();
        assertThat(result.path("http_status").asInt()).isEqualTo(503);
        assertThat(result.path("response_excerpt").asText()).isEqualTo("{\"received\":false}");
        assertThat(result.path("error").path("code").asText()).isEqualTo("HTTP_503");
        assertThat(result.path("error").path("message").asText()).isEqualTo("the receiver answered HTTP 503");
        assertThat(answers.receivedCount()).as("one attempt, no retry").isEqualTo(1);

        JsonNode health = endpoint(CRM_KEY, "answers");
        assertThat(health.path("state").asText()).isEqualTo("healthy");
        assertThat(health.path("consecutive_failures").asInt()).isZero();
        assertThat(health.path("last_error").isNull()).isTrue();
    }

    @Test
    void theUrlsQueryGoesOutButIsNeverLoggedNorShown() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            answers.respondByDefault(LocalReceiver.Response.status(500));
            JsonNode result = ok(app.send(post("/endpoints/tokened/test", CRM_KEY)));
            assertThat(result.path("http_status").asInt()).isEqualTo(500);
            assertThat(Json.write(result)).doesNotContain(TOKEN);
            assertThat(answers.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).path()).isEqualTo("/crm/tokened");
            assertThat(log.text()).doesNotContain(TOKEN).doesNotContain(CRM_SECRET.substring("whsec_".length()));
        }
    }

    @Test
    void anotherCallersEndpointAnUnknownOneOrACallbackIsNotFound() throws Exception {
        for (HttpResponse<String> refused : List.of(
                app.send(post("/endpoints/hooks/test", CRM_KEY)),                          // zap's endpoint
                app.send(post("/endpoints/answers/test", ZAP_KEY)),                        // crm's endpoint
                app.send(post("/endpoints/nowhere/test", CRM_KEY)),                        // no such name
                app.send(post("/endpoints/callback:http:127.0.0.1:" + answers.port() + "/test", CRM_KEY)))) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        }
        assertThat(answers.receivedCount() + zap.receivedCount()).as("nothing sent").isZero();
    }

    @Test
    void aPausedEndpointIsNotTested() throws Exception {
        ok(app.send(post("/endpoints/answers/pause", CRM_KEY)));
        HttpResponse<String> refused = app.send(post("/endpoints/answers/test", CRM_KEY));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText()).startsWith("Endpoint answers is paused");
        assertThat(answers.receivedCount()).isZero();
    }

    @Test
    void itTakesTheCallersKeyAndAPost() throws Exception {
        HttpResponse<String> anonymous = app.send(HttpRequest.newBuilder(app.url("/endpoints/answers/test"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongKey = app.send(post("/endpoints/answers/test", "not-a-key-0000000000000"));
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        HttpResponse<String> got = app.send(HttpRequest.newBuilder(app.url("/endpoints/answers/test"))
                .header("Authorization", "Bearer " + CRM_KEY).GET().build());
        assertThat(got.statusCode()).isEqualTo(405);
        assertThat(got.headers().firstValue("Allow")).hasValue("POST");
        assertThat(answers.receivedCount()).isZero();
    }

    // --- helpers ---

    static HttpRequest post(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    /** The endpoint as its caller lists it. */
    static JsonNode endpoint(String key, String name) throws Exception {
        JsonNode list = ok(app.send(HttpRequest.newBuilder(app.url("/endpoints")).header("Authorization", "Bearer " + key)
                .GET().build()));
        for (JsonNode endpoint : list.path("endpoints")) {
            if (name.equals(endpoint.path("name").asText())) {
                return endpoint;
            }
        }
        throw new AssertionError("no endpoint " + name + " in " + list);
    }
}
