package routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure nothing foresaw (a bug: here a step made to throw, since the real routes have none to offer) is answered,
 * on both ports, with the documented JSON 500 ({@code {"success":false,"error":"Internal error",...}}), never with a
 * stack trace or the exception's message, and logged as one ERROR line that names the failure's class, not its message.
 */
class UnhandledFailureTest {

    static final String KEY = "bug-key-0001-aaaaaaaaaaaa";
    /** What the failure's message holds: a log, a body or a header must not show it. */
    static final String DETAIL = "https://receiver.example/hook?token=s3cr3t-in-a-message";

    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "bug:" + KEY,
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
        AdviceWith.adviceWith(app.context(), "webhook-status", route ->
                route.weaveById("read-status").replace().throwException(new IllegalStateException(DETAIL)));
        AdviceWith.adviceWith(app.context(), "webhook-intake", route ->
                route.weaveById("enqueue-request").replace().throwException(new NullPointerException(DETAIL)));
        ManagementHttpServer management = app.context().hasService(ManagementHttpServer.class);
        management.getRouter().route("/test-only/bug").blockingHandler(ctx -> {
            throw new IllegalArgumentException(DETAIL);
        });
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aBugInAStatusLookupIsTheDocumentedJson500() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook/3f0c9a52-8d0e-4c8e-9a47-1d2b3c4d5e6f"))
                    .header("X-API-Key", KEY).GET().build());
            assertInternalError(response);
            assertThat(logs.events()).anyMatch(line -> line.startsWith("ERROR")
                    && line.contains("Unhandled failure in webhook-status: java.lang.IllegalStateException"));
            assertThat(logs.text()).doesNotContain("s3cr3t-in-a-message");
        }
    }

    @Test
    void aBugInTheIntakeIsTheDocumentedJson500() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .header("Content-Type", "application/json").header("X-API-Key", KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build());
            assertInternalError(response);
            assertThat(Json.MAPPER.readTree(response.body()).path("tracking_id").asText()).isNotEmpty();
            assertThat(logs.text()).doesNotContain("s3cr3t-in-a-message");
        }
    }

    @Test
    void aBugOnTheManagementPortIsAJson500Too() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            // not a documented path (the test made it), so not checked against the admin document
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(app.managementUrl("/test-only/bug").toString())).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo("{\"success\":false,\"error\":\"Internal error\"}");
            assertThat(logs.events()).anyMatch(line -> line.startsWith("ERROR")
                    && line.contains("Unhandled failure answering GET /test-only/bug: java.lang.IllegalArgumentException"));
            assertThat(logs.events()).filteredOn(line -> line.startsWith("ERROR") || line.startsWith("WARN"))
                    .noneMatch(line -> line.contains("s3cr3t-in-a-message"));
        }
    }

    static void assertInternalError(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").asText()).isEqualTo("Internal error");
        assertThat(response.body()).doesNotContain("s3cr3t").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
