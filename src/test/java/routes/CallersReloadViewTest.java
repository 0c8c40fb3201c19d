package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /admin/callers}'s {@code reload}: when and from where the callers in force were loaded and how many, and
 * the last refused version (its time and a reason that quotes nothing of the file), kept after a good version.
 */
class CallersReloadViewTest {

    static final String ADMIN_TOKEN = "callers-view-admin-token-0123456789";
    static final String KEY = "view-key-000000000000000";
    static final String SHORT_KEY = "tiny-key-7";

    static GatewayTestApp app;
    static Path dir;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("callers-view");
        file = dir.resolve("callers.yaml");
        Files.writeString(file, CallersReloadTest.callers(KEY, CallersDeliveryTest.secret(8), "http://127.0.0.1:1/"));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(), "gateway.callers.reload-seconds", "1",
                "gateway.admin.token", ADMIN_TOKEN, "gateway.admin.rate-limit.per-minute", "6000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Test
    void theReloadIsShownWithTheLastRefusalWhichNamesNoKey() throws Exception {
        HttpResponse<String> refused = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers")).GET().build());
        assertThat(refused.statusCode()).isEqualTo(401);

        JsonNode reload = callers().get("reload");
        assertThat(reload.get("source").asText()).isEqualTo(file.toString());
        assertThat(reload.get("callers").asInt()).isEqualTo(1);
        assertThat(reload.get("loaded_at").isNull()).isFalse();
        assertThat(reload.get("last_refusal").isNull()).isTrue();
        String firstLoad = reload.get("loaded_at").asText();

        // a broken version: refused, the one in force stays; the reason says where and what, never the key
        Files.writeString(file, CallersReloadTest.callers(SHORT_KEY, CallersDeliveryTest.secret(8), "http://127.0.0.1:1/"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> !callers().get("reload").get("last_refusal").isNull());
        JsonNode view = callers();
        JsonNode refusal = view.get("reload").get("last_refusal");
        assertThat(refusal.get("reason").asText()).contains("api_keys[1]").doesNotContain(SHORT_KEY);
        assertThat(refusal.get("at").asText()).isNotBlank();
        assertThat(view.get("reload").get("loaded_at").asText()).as("the version in force stays").isEqualTo(firstLoad);
        assertThat(view.get("reload").get("callers").asInt()).isEqualTo(1);
        assertThat(view.toString()).doesNotContain(SHORT_KEY).doesNotContain(KEY);

        // a good version with two callers: applied; the refusal stays shown, older than the load
        Files.writeString(file, CallersReloadTest.callers(KEY, CallersDeliveryTest.secret(8), "http://127.0.0.1:1/") + """
                  - name: other
                    api_keys: ["view-key-111111111111111"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - url: http://127.0.0.1:1/other
                """.formatted(CallersDeliveryTest.secret(9)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> callers().get("reload").get("callers").asInt() == 2);
        JsonNode after = callers().get("reload");
        assertThat(after.get("last_refusal").get("reason").asText()).isEqualTo(refusal.get("reason").asText());
        assertThat(OffsetDateTime.parse(after.get("loaded_at").asText()))
                .isAfterOrEqualTo(OffsetDateTime.parse(after.get("last_refusal").get("at").asText()));
    }

    static JsonNode callers() throws Exception {
        HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.MAPPER.readTree(answer.body());
    }
}
