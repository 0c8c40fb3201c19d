package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /admin/overview} on the real app, with a one-second step: after a few questions its points count them,
 * their answers and the failure, show the slow agent call in flight and its latency, and the deliveries by caller.
 * The points seen are gathered by their time across calls, so none is missed however slowly the test runs.
 */
class AdminOverviewTest {

    static final String ADMIN_TOKEN = "overview-admin-token-0123456789";

    static ReceiverAndApp flow;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        // polled a few times a second: the admin budget is raised for it
        flow = ReceiverAndApp.start(Map.of("gateway.admin.token", ADMIN_TOKEN, "gateway.metrics.overview-step-seconds", "1",
                "gateway.admin.rate-limit.per-minute", "6000"));
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void withoutTheTokenItIsRefused() throws Exception {
        HttpResponse<String> refused = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/overview")).GET().build());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(refused.body()).get("success").asBoolean()).isFalse();
        HttpResponse<String> wrong = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/overview"))
                .header("Authorization", "Bearer not-the-token-0123456789").GET().build());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void thePointsCountTheQuestionsAnswersAndFailuresAndShowTheSlowCall() throws Exception {
        Map<String, JsonNode> seen = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            post("Quick question " + i);
        }
        post("Refused [emulator:validation]");
        post("Slow one [emulator:latency=5000]");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            overview().get("points").forEach(p -> seen.put(p.get("at").asText(), p));
            return sum(seen, "questions") == 5 && sum(seen, "answers") == 4 && sum(seen, "failures") == 1
                    && delivered(seen) == 5
                    && seen.values().stream().anyMatch(p -> p.get("agent_in_flight").asInt() >= 1)
                    && seen.values().stream().anyMatch(p -> p.get("agent_p95_ms").asLong() >= 2500);
        });

        JsonNode view = overview();
        assertThat(view.get("step_seconds").asInt()).isEqualTo(1);
        assertThat(view.get("instance").asText()).isNotBlank();
        assertThat(view.get("points").size()).isBetween(1, 60);
        for (JsonNode point : seen.values()) {
            assertThat(point.get("queues").fieldNames()).toIterable()
                    .containsExactly("requests", "requests_dlq", "deliveries", "deliveries_dlq");
            point.get("queues").forEach(depth -> assertThat(depth.asLong()).as("sampled").isNotNegative());
            if (!point.get("agent_p50_ms").isNull()) {
                assertThat(point.get("agent_p50_ms").asLong()).isLessThanOrEqualTo(point.get("agent_p95_ms").asLong());
            }
        }
        assertThat(seen.values().stream().flatMap(p -> iterable(p.get("deliveries_by_caller").fieldNames()).stream()))
                .as("WEBHOOK_URL's deliveries, as caller default").containsOnly("default");
    }

    static JsonNode overview() throws Exception {
        HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/overview"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.MAPPER.readTree(answer.body());
    }

    static long sum(Map<String, JsonNode> points, String field) {
        return points.values().stream().mapToLong(p -> p.get(field).asLong()).sum();
    }

    static long delivered(Map<String, JsonNode> points) {
        return points.values().stream().mapToLong(p -> p.path("deliveries_by_caller").path("default").path("delivered").asLong()).sum();
    }

    static java.util.List<String> iterable(java.util.Iterator<String> names) {
        java.util.List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    static void post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "overview"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
    }
}
