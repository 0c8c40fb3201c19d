package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.local.AgentEmulator;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Receivers whose URLs carry tokens in their query (as Slack's, Zapier's and Azure's do), an endpoint with a Bearer
 * header, a callback URL with a token, an agent that answers AccessDenied naming its account and role: the whole flow
 * runs, retries, dead-letters and fails, and then every place a token or AWS's text could surface is searched for it:
 * every log line (as log4j2.xml has it written), the DLQ entries' attributes, the admin listings, the status lookups,
 * the query.failed webhook, the metrics and the error bodies.
 */
class SecretsStayOutTest {

    static final String KEY = "leak-key-0001-aaaaaaaaaaaa";
    static final String ADMIN = "leak-admin-0123456789abcdef0123456789";
    static final String[] TOKENS = {"TOKEN-in-retrying-query", "TOKEN-in-refusing-query", "TOKEN-in-unreachable-query",
            "TOKEN-in-bearer-header", "TOKEN-in-callback-query"};

    static ScriptedReceiver busy;
    static ScriptedReceiver gone;
    static ScriptedReceiver callbacks;
    static ScriptedReceiver failures;
    static GatewayTestApp app;
    static Path file;
    static LogCapture logs;
    static final List<String> seen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        busy = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck();
        gone = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck();
        callbacks = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck();
        failures = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck();
        busy.respondByDefault(LocalReceiver.Response.status(503));
        // refused (a 410 would pause the endpoint and park the delivery: docs/endpoints.md)
        gone.respondByDefault(LocalReceiver.Response.status(400));
        int closed = GatewayTestApp.freePort();
        file = Files.createTempFile("callers", ".yaml");
        Files.writeString(file, """
                callers:
                  - name: leaky
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: busy
                        url: "%shooks?token=%s&x=1"
                        events: [query.answered]
                        headers: {Authorization: "Bearer %s"}
                      - name: gone
                        url: "%shooks?sig=%s"
                        events: [query.answered]
                      - name: down
                        url: "http://127.0.0.1:%d/hooks?code=%s"
                        events: [query.answered]
                      - name: failures
                        url: "%sfailed"
                        events: [query.failed]
                    callback_urls: ["%scb/*"]
                """.formatted(KEY, CallersDeliveryTest.secret(11), busy.url(), TOKENS[0], TOKENS[3], gone.url(), TOKENS[1],
                closed, TOKENS[2], failures.url(), callbacks.url()));
        logs = LogCapture.start();
        app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(), "gateway.admin.token", ADMIN,
                "gateway.delivery.retry.max", "1", "gateway.delivery.schedule", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
            for (ScriptedReceiver receiver : new ScriptedReceiver[] {busy, gone, callbacks, failures}) {
                if (receiver != null) {
                    receiver.close();
                }
            }
            Files.deleteIfExists(file);
        } finally {
            if (logs != null) {
                logs.close();
            }
        }
    }

    @Test
    void noTokenNoCredentialAndNoAwsTextSurfacesAnywhere() throws Exception {
        String answered = accepted(post(CallersDeliveryTest.question("Where do the tokens go?")));
        // a callback URL with a token: it is used as given, and shown nowhere
        String called = accepted(post(CallersDeliveryTest.question("Call me back")
                .put("callback_url", callbacks.url() + "cb/x?token=" + TOKENS[4])));
        assertThat(callbacks.awaitDeliveries(1, Duration.ofSeconds(30))).hasSize(1);
        // the agent refuses: AWS's text names the account and the role
        String denied = accepted(post(CallersDeliveryTest.question("[emulator:access-denied] Who am I?")));
        LocalReceiver.Delivery failed = failures.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        seen.add(failed.body());
        assertThat(failed.payload().path("error").path("code").asText()).isEqualTo("AccessDeniedException");

        // every endpoint of the answered question ends: the busy one after its retries, the others at once
        await().atMost(Duration.ofSeconds(60)).until(() -> app.depth(app.dlq("deliveries")) >= 3);
        TrackingRouteTestSupport.awaitStatus(app, answered, "dead_lettered");

        for (String id : new String[] {answered, called, denied}) {
            seen.add(get(app.url("/webhook/" + id)).body());
        }
        seen.add(get(app.managementUrl("/admin/dlq/deliveries")).body());
        seen.add(get(app.managementUrl("/admin/callers")).body());
        seen.add(get(app.managementUrl("/observe/metrics")).body());
        for (Message dead : app.drain(app.dlq("deliveries"))) {
            dead.messageAttributes().forEach((name, value) -> seen.add(name + "=" + value.stringValue()));
        }
        // error bodies: a callback URL refused, a key in the query
        seen.add(post(CallersDeliveryTest.question("refused").put("callback_url", "https://elsewhere.example/x?token=" + TOKENS[4])).body());
        seen.add(app.send(HttpRequest.newBuilder(app.url("/webhook?X-API-Key=" + KEY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build()).body());

        String everything = String.join("\n", seen) + "\n" + logs.text();
        for (String token : TOKENS) {
            assertThat(everything).as("a token: " + token).doesNotContain(token);
        }
        assertThat(everything).as("AWS's text").doesNotContain(AgentEmulator.EMULATED_ACCOUNT).doesNotContain("assumed-role");
        assertThat(everything).as("an API key").doesNotContain(KEY).doesNotContain(ADMIN);
        // what the operator needs is there: which endpoint, what happened, AWS's request id for CloudTrail
        assertThat(logs.text()).contains("leaky/busy").contains("the receiver answered HTTP 503").contains("Receiver refused the delivery (HTTP 400)")
                .contains("InvokeAgent failed: AccessDeniedException (HTTP 403");
    }

    static HttpResponse<String> post(ObjectNode body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build());
    }

    static HttpResponse<String> get(java.net.URI uri) throws Exception {
        String auth = uri.getPort() == app.httpPort() ? "Bearer " + KEY : "Bearer " + ADMIN;
        return app.send(HttpRequest.newBuilder(uri).header("Authorization", auth).GET().build());
    }

    static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }
}
