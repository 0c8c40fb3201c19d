package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static gateway.testing.IndependentVerifier.signedWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The callers file is read again while the gateway runs (a rotated Kubernetes Secret): a new key, secret and
 * endpoint are in force within the reload period, without a restart; a broken version is refused, counted, and
 * the previous one stays in force until a good one replaces it. A version that would leave no key in force is refused
 * the same way: a reload never turns authentication off.
 */
class CallersReloadTest {

    static final String OLD_KEY = "zap-key-old-000000000000";
    static final String NEW_KEY = "zap-key-new-111111111111";
    static final String OLD_SECRET = CallersDeliveryTest.secret(6);
    static final String NEW_SECRET = CallersDeliveryTest.secret(7);

    static ScriptedReceiver first;
    static ScriptedReceiver second;
    static GatewayTestApp app;
    static Path dir;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        first = ScriptedReceiver.startOnRandomPort(null);
        second = ScriptedReceiver.startOnRandomPort(null);
        dir = Files.createTempDirectory("callers");
        file = dir.resolve("callers.yaml");
        Files.writeString(file, callers(OLD_KEY, OLD_SECRET, first.url()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(), "gateway.callers.reload-seconds", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        first.close();
        second.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Test
    void aChangedFileIsInForceWithoutARestartAndABrokenOneIsRefused() throws Exception {
        assertThat(post(OLD_KEY).statusCode()).isEqualTo(202);
        assertThat(post(NEW_KEY).statusCode()).isEqualTo(401);
        assertThat(signedWith(first.awaitDeliveries(1, Duration.ofSeconds(30)).get(0), OLD_SECRET)).isTrue();

        // the rotation: a new key, a new secret, another endpoint
        Files.writeString(file, callers(NEW_KEY, NEW_SECRET, second.url()));
        await().atMost(Duration.ofSeconds(30)).until(() -> post(NEW_KEY).statusCode() == 202);
        assertThat(post(OLD_KEY).statusCode()).as("the old key is gone").isEqualTo(401);
        List<LocalReceiver.Delivery> got = second.awaitDeliveries(1, Duration.ofSeconds(30));
        assertThat(signedWith(got.get(0), NEW_SECRET)).isTrue();
        assertThat(signedWith(got.get(0), OLD_SECRET)).isFalse();

        // a broken version: refused (counted), the previous one stays in force
        Files.writeString(file, "callers:\n  - name: zap\n    api_keys: [\"short\"]\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> refusedReloads() >= 1);
        assertThat(post(NEW_KEY).statusCode()).as("still in force").isEqualTo(202);
        Files.writeString(file, "callers: [ {");
        await().atMost(Duration.ofSeconds(30)).until(() -> refusedReloads() >= 2);
        assertThat(post(NEW_KEY).statusCode()).isEqualTo(202);

        // fixed again: applied
        Files.writeString(file, callers(OLD_KEY, OLD_SECRET, first.url()));
        await().atMost(Duration.ofSeconds(30)).until(() -> post(OLD_KEY).statusCode() == 202);
        assertThat(post(NEW_KEY).statusCode()).isEqualTo(401);
    }

    @Test
    void aVersionThatLeavesNoKeyIsRefusedAndAuthenticationStaysOn() throws Exception {
        Files.writeString(file, callers(OLD_KEY, OLD_SECRET, first.url()));
        await().atMost(Duration.ofSeconds(30)).until(() -> post(OLD_KEY).statusCode() == 202);
        HttpResponse<String> asked = post(OLD_KEY);
        String id = Json.MAPPER.readTree(asked.body()).get("tracking_id").asText();
        double refusedBefore = refusedReloads();

        try (LogCapture logs = LogCapture.start()) {
            // the Secret emptied (a mistake, or someone trying): refused like a broken file, never read as "no auth"
            Files.writeString(file, "callers: []\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> refusedReloads() > refusedBefore);
            assertThat(logs.events()).anyMatch(line -> line.startsWith("ERROR") && line.contains("Callers file change refused")
                    && line.contains("no API key left in force"));
        }
        assertThat(post(null).statusCode()).as("no key: still refused").isEqualTo(401);
        HttpResponse<String> lookup = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).GET().build());
        assertThat(lookup.statusCode()).as("another's question, no key").isEqualTo(401);
        assertThat(post(OLD_KEY).statusCode()).as("the version in force stays").isEqualTo(202);
        assertThat(app.get(app.managementUrl("/observe/metrics")).body()).contains("gateway_callers_file_refused 1.0");

        Files.writeString(file, callers(OLD_KEY, OLD_SECRET, first.url()));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.get(app.managementUrl("/observe/metrics")).body()
                .contains("gateway_callers_file_refused 0.0"));
    }

    static String callers(String key, String secret, String url) {
        return """
                callers:
                  - name: zap
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - url: %shooks
                """.formatted(key, secret, url);
    }

    static HttpResponse<String> post(String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question("Reloaded?"))));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return app.send(request.build());
    }

    static double refusedReloads() throws Exception {
        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        return metrics.lines().filter(l -> l.startsWith("gateway_callers_reloads_total{") && l.contains("outcome=\"refused\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
