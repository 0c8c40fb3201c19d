package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SSRF guard on, as in prod (WEBHOOK_ALLOW_PRIVATE_TARGETS=false): a configured endpoint whose host name
 * resolves to loopback is refused when the connection is made (the receiver sees nothing), and the delivery goes
 * to the DLQ at once with reason blocked_address; a callback URL to a blocked address is refused at the intake;
 * WEBHOOK_ALLOWED_CIDRS makes an exception for an internal receiver.
 */
class DeliveryGuardTest {

    static final String KEY = "guard-key-0001-eeeeeeeeee";
    static ScriptedReceiver receiver;
    static ScriptedReceiver internal;
    static Path file;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        receiver = ScriptedReceiver.startOnRandomPort(null);
        internal = ScriptedReceiver.startOnRandomPort(null);
        file = Files.createTempFile("callers", ".yaml");
        Files.writeString(file, """
                callers:
                  - name: ops
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: by-name
                        url: http://localhost:%d/hooks
                    callback_urls: ["http://*:%d/cb/*"]
                """.formatted(KEY, CallersDeliveryTest.secret(8), receiver.port(), receiver.port()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(),
                "gateway.webhook.allow-private-targets", "false",
                "gateway.webhook.url", internal.url(),
                "gateway.delivery.schedule", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        receiver.close();
        internal.close();
        Files.deleteIfExists(file);
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsRefusedAtConnectTimeAndDeadLetteredAtOnce() throws Exception {
        String deliveries = app.property("gateway.queue.deliveries");
        String id = accepted(post(CallersDeliveryTest.question("Where does localhost go?")));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        List<Message> dead = app.drain(app.dlq("deliveries"));
        assertThat(dead.get(0).messageAttributes().get(DeadLetters.REASON).stringValue()).contains("blocked_address");
        assertThat(receiver.receivedCount()).as("no connection reached the receiver").isZero();
        ObjectNode record = TrackingRouteTestSupport.awaitStatus(app, id, "dead_lettered");
        assertThat(record.path("last_error").path("code").asText()).isEqualTo("blocked_address");
        JsonNode attempts = record.path("deliveries").path("msg_" + id + "_by-name").path("attempts");
        assertThat(attempts).hasSize(1);
    }

    @Test
    void aTestEventToABlockedAddressIsRefusedAtConnectTimeAndReported() throws Exception {
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/endpoints/by-name/test"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = Json.MAPPER.readTree(response.body());
        assertThat(result.path("delivered").asBoolean()).isFalse();
        assertThat(result.path("http_status").isNull()).isTrue();
        assertThat(result.path("error").path("code").asText()).isEqualTo("blocked_address");
        assertThat(receiver.receivedCount()).as("no connection reached the receiver").isZero();
    }

    @Test
    void aCallbackUrlToABlockedAddressIsRefusedAtTheIntake() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost", "2130706433", "[::1]")) {
            String url = "http://" + host + ":" + receiver.port() + "/cb/x";
            HttpResponse<String> response = post(CallersDeliveryTest.question("callback").put("callback_url", url));
            assertThat(response.statusCode()).as(url).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).as(url)
                    .startsWith("callback_url");
        }
    }

    @Test
    void anAllowedCidrLetsAnInternalReceiverThrough() throws Exception {
        try (GatewayTestApp allowed = GatewayTestApp.start(Map.of("gateway.webhook.allow-private-targets", "false",
                "gateway.webhook.allowed-cidrs", "127.0.0.1/32", "gateway.webhook.url", internal.url()))) {
            HttpResponse<String> response = allowed.postJson("/webhook", Json.write(CallersDeliveryTest.question("internal")));
            assertThat(response.statusCode()).isEqualTo(202);
            String id = Json.MAPPER.readTree(response.body()).path("tracking_id").asText();
            assertThat(internal.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).trackingId()).isEqualTo(id);
        }
    }

    static HttpResponse<String> post(ObjectNode body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }
}
