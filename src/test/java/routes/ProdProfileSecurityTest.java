package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import gateway.security.AdminAuthenticator;
import gateway.local.EmbeddedSqsServer;
import gateway.local.QueueProvisioner;
import gateway.testing.EmbeddedS3;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import gateway.testing.LogCapture;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The prod profile's security defaults on the real application: it refuses to start without keys (unless
 * AUTH_DISABLED=true) or with an http WEBHOOK_URL, allows no CORS origin by default, and refuses admin
 * operations without ADMIN_TOKEN. SQS and S3 are the test's own embedded servers, given as endpoints.
 */
class ProdProfileSecurityTest {

    static final String KEY = "crm-prod-0123456789abcdef";

    static EmbeddedSqsServer sqsServer;
    static EmbeddedS3 s3;

    @BeforeAll
    static void startBackends() throws Exception {
        sqsServer = new EmbeddedSqsServer(0);
        sqsServer.start();
        try (SqsClient sqs = LocalAws.sqs(sqsServer.endpoint())) {
            new QueueProvisioner(sqs).ensureQueueWithDeadLetterQueue("webhook-requests.fifo", "webhook-requests-dlq.fifo", 5, 60);
            new QueueProvisioner(sqs).ensureQueueWithDeadLetterQueue("webhook-deliveries", "webhook-deliveries-dlq", 5, 60);
        }
        s3 = EmbeddedS3.start("ai-webhook-gateway");
    }

    @AfterAll
    static void stopBackends() {
        s3.close();
        sqsServer.stop();
    }

    static Map<String, String> prod(String... pairs) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("gateway.sqs.endpoint", sqsServer.endpoint().toString());
        overrides.put("gateway.s3.endpoint", s3.server().endpoint().toString());
        overrides.put("gateway.s3.conditional-writes", "false");
        // the flow's required settings; its stages stay off so nothing here reaches for AWS
        overrides.put("gateway.agent.id", "AGENT12345");
        overrides.put("gateway.agent.alias-id", "ALIAS12345");
        overrides.put("gateway.webhook.url", "https://receiver.example/hook");
        overrides.put("gateway.webhook.signing.secret", ReceiverAndApp.SECRET);
        overrides.put("gateway.agent.stage-enabled", "false");
        overrides.put("gateway.delivery.stage-enabled", "false");
        for (int i = 0; i < pairs.length; i += 2) {
            overrides.put(pairs[i], pairs[i + 1]);
        }
        return overrides;
    }

    static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    @Test
    void prodRefusesAWorkQueueWithoutADeadLetterQueue() {
        try (SqsClient sqs = LocalAws.sqs(sqsServer.endpoint())) {
            sqs.createQueue(r -> r.queueName("no-dlq-requests.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));
        }
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.queue.requests", "no-dlq-requests.fifo")).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage())
                        .startsWith("REQUESTS_QUEUE no-dlq-requests.fifo has no dead-letter queue"));
    }

    @Test
    void aStandardRequestsQueueIsRefusedAtStartTheOrderWithinASessionWouldNotHold() {
        try (SqsClient sqs = LocalAws.sqs(sqsServer.endpoint())) {
            new QueueProvisioner(sqs).ensureQueueWithDeadLetterQueue("standard-requests", "standard-requests-dlq", 5, 60);
        }
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.queue.requests", "standard-requests", "gateway.queue.requests-dlq", "standard-requests-dlq")).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage()).isEqualTo("REQUESTS_QUEUE standard-requests is a "
                        + "standard queue: it must be a FIFO queue (a name ending in .fifo, FifoQueue=true) so the questions "
                        + "of a session reach the agent in order"));
    }

    @Test
    void prodRefusesToStartWithoutKeys() {
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod()).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage())
                        .startsWith("Refusing to start (prod profile): no API keys configured: set GATEWAY_API_KEYS")
                        .contains("AUTH_DISABLED=true"));
    }

    @Test
    void prodRefusesToStartWhenTheKeySettingsHoldNoKey() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("keys", ".txt");
        try {
            // the setting is there (the start checks of settings pass), the mounted file is empty: nothing to check with
            assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.file", empty.toString())).close())
                    .satisfies(e -> assertThat(rootCause(e).getMessage())
                            .startsWith("Authentication is on but no credential is loaded (GATEWAY_API_KEYS_FILE is set but holds no API key)"));
        } finally {
            java.nio.file.Files.deleteIfExists(empty);
        }
    }

    @Test
    void prodRefusesAShortAdminToken() {
        String shortToken = "admin-0123456789abcdef-0123456"; // 31 characters
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.admin.token", shortToken)).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage())
                        .startsWith("ADMIN_TOKEN is shorter than 32 characters").doesNotContain(shortToken));
    }

    @Test
    void prodRefusesToStartWithoutTheFlowsSettingsOrOnTheDraftAlias() {
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.agent.id", "", "gateway.agent.alias-id", "TSTALIASID", "gateway.webhook.url", "")).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage())
                        .contains("BEDROCK_AGENT_ID is not set")
                        .contains("WEBHOOK_URL is not set")
                        .contains("draft alias TSTALIASID")
                        .doesNotContain(KEY));
    }

    @Test
    void prodRefusesAnHttpWebhookUrl() {
        assertThatThrownBy(() -> GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.webhook.url", "http://receiver.example/hook")).close())
                .satisfies(e -> assertThat(rootCause(e).getMessage())
                        .contains("WEBHOOK_URL must be an https:// URL (set ALLOW_INSECURE_WEBHOOK_URL=true to allow http)")
                        .doesNotContain(KEY));
    }

    @Test
    void prodWithKeysEnforcesThemAllowsNoCorsOriginAndRefusesAdminWithoutAToken() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start("prod", prod("gateway.api-keys.secret", "crm:" + KEY,
                "gateway.webhook.url", "https://receiver.example/hook"))) {
            HttpResponse<String> preflight = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example").build());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as("no origin allowed by default").isEmpty();

            HttpResponse<String> unauthenticated = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .header("Content-Type", "application/json").header("Origin", "https://app.example")
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build());
            assertThat(unauthenticated.statusCode()).isEqualTo(401);
            assertThat(unauthenticated.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

            HttpResponse<String> accepted = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .header("Content-Type", "application/json").header("Origin", "https://app.example")
                    .header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build());
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(app.drain("webhook-requests.fifo")).hasSize(1);

            AdminAuthenticator admin = app.context().getRegistry().lookupByNameAndType("adminAuthenticator", AdminAuthenticator.class);
            assertThat(admin.check("Bearer anything")).isEqualTo(AdminAuthenticator.Decision.DISABLED);
            // over HTTP: every admin operation is refused, 403, whatever token comes
            for (HttpRequest.Builder call : List.of(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests")).GET(),
                    HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests/redrive")).POST(HttpRequest.BodyPublishers.noBody()),
                    HttpRequest.newBuilder(app.managementUrl("/admin/callers")).GET(),
                    HttpRequest.newBuilder(app.managementUrl("/admin/overview")).GET())) {
                HttpResponse<String> refused = app.send(call.header("Authorization", "Bearer anything").build());
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            }
        }
    }

    @Test
    void prodWithAuthDisabledStartsOpenAndSaysSo() throws Exception {
        try (LogCapture logs = LogCapture.start();
             GatewayTestApp app = GatewayTestApp.start("prod", prod("gateway.security.auth-disabled", "true",
                     "gateway.cors.allowed-origins", "https://app.example"))) {
            assertThat(logs.events()).anyMatch(line -> line.startsWith("WARN")
                    && line.contains("Authentication is OFF (AUTH_DISABLED=true)"));
            HttpResponse<String> accepted = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .header("Content-Type", "application/json").header("Origin", "https://app.example")
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build());
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.headers().firstValue("Access-Control-Allow-Origin")).as("configured origin").hasValue("https://app.example");
            app.drain("webhook-requests.fifo");
        }
    }
}
