package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static gateway.testing.IndependentVerifier.signedWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every caller gets its own answers: two callers of a callers file with their own receivers and secrets beside a
 * caller of GATEWAY_API_KEYS (WEBHOOK_URL, WEBHOOK_SIGNING_SECRET as before). Each signature is checked with that
 * receiver's secret by an independent HMAC; event filters, fan-out with one receiver down, callback URLs inside
 * and outside the allowlist, the attempt log of the status lookup, resend, the operators' view and the metrics.
 */
class CallersDeliveryTest {

    static final String CRM_KEY = "crm-key-0001-aaaaaaaaaaaa";
    static final String CRM_NEXT_KEY = "crm-key-0002-bbbbbbbbbbbb";
    static final String ZAP_KEY = "zap-key-0001-cccccccccccc";
    static final String LEGACY_KEY = "legacy-key-0001-dddddddd";
    static final String CRM_SECRET = secret(1);
    static final String AUDIT_SECRET = secret(2);
    static final String ZAP_SECRET = secret(3);
    static final String ZAP_NEXT_SECRET = secret(4);
    static final String LEGACY_SECRET = secret(5);

    static CallersTestbed bed;
    static ScriptedReceiver answers;
    static ScriptedReceiver audit;
    static ScriptedReceiver zap;
    static ScriptedReceiver callback;
    static ScriptedReceiver legacy;
    static GatewayTestApp app;
    static String deliveries;

    @BeforeAll
    static void start() throws Exception {
        bed = CallersTestbed.withReceivers("answers", "audit", "zap", "callback", "legacy");
        answers = bed.receiver("answers");
        audit = bed.receiver("audit");
        zap = bed.receiver("zap");
        callback = bed.receiver("callback");
        legacy = bed.receiver("legacy");
        app = bed.start("""
                callers:
                  - name: crm
                    api_keys: ["%s", "%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: answers
                        url: %scrm/answers
                        events: [query.answered]
                      - name: audit
                        url: %scrm/audit?source=gateway
                        headers: {Authorization: "Bearer audit-token"}
                        signing_secrets: ["%s"]
                    callback_urls: ["http://127.0.0.1:%d/cb/*"]
                  - name: zap
                    api_keys: ["%s"]
                    signing_secrets: ["%s", "%s"]
                    webhooks:
                      - url: %szap
                """.formatted(CRM_KEY, CRM_NEXT_KEY, CRM_SECRET, answers.url(), audit.url(),
                AUDIT_SECRET, callback.port(), ZAP_KEY, ZAP_SECRET, ZAP_NEXT_SECRET, zap.url()),
                Map.of("gateway.api-keys.secret", "legacy:" + LEGACY_KEY,
                        "gateway.webhook.url", legacy.url(),
                        "gateway.webhook.signing.secret", LEGACY_SECRET,
                        "gateway.admin.token", "admin-token-for-tests-0001",
                        "gateway.delivery.schedule", "1s")).app();
        deliveries = app.property("gateway.queue.deliveries");
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

    @Test
    void eachCallerGetsOnlyItsOwnAnswersSignedWithItsOwnSecrets() throws Exception {
        String crm = accepted(post(CRM_KEY, question("What did the CRM ask?")));
        String rotated = accepted(post(CRM_NEXT_KEY, question("Asked with the next key")));
        String zapped = accepted(post(ZAP_KEY, question("What did the zap ask?")));
        String old = accepted(post(LEGACY_KEY, question("What did the original caller ask?")));

        List<LocalReceiver.Delivery> crmAnswers = answers.awaitDeliveries(2, Duration.ofSeconds(30));
        List<LocalReceiver.Delivery> crmAudit = audit.awaitDeliveries(2, Duration.ofSeconds(30));
        LocalReceiver.Delivery zapped1 = zap.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        LocalReceiver.Delivery legacy1 = legacy.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);

        assertThat(crmAnswers).extracting(LocalReceiver.Delivery::trackingId).containsExactlyInAnyOrder(crm, rotated);
        assertThat(crmAudit).extracting(LocalReceiver.Delivery::trackingId).containsExactlyInAnyOrder(crm, rotated);
        assertThat(zapped1.trackingId()).isEqualTo(zapped);
        assertThat(legacy1.trackingId()).isEqualTo(old);

        // each receiver's signature is its own: the endpoint's secret where it has one, else its caller's
        assertThat(crmAnswers).allMatch(d -> signedWith(d, CRM_SECRET)).noneMatch(d -> signedWith(d, AUDIT_SECRET));
        assertThat(crmAudit).allMatch(d -> signedWith(d, AUDIT_SECRET)).noneMatch(d -> signedWith(d, CRM_SECRET));
        assertThat(signedWith(zapped1, ZAP_SECRET)).as("zap's first secret").isTrue();
        assertThat(signedWith(zapped1, ZAP_NEXT_SECRET)).as("zap's next secret (rotation)").isTrue();
        assertThat(signedWith(zapped1, CRM_SECRET)).isFalse();
        assertThat(signedWith(legacy1, LEGACY_SECRET)).as("WEBHOOK_SIGNING_SECRET, as before").isTrue();
        assertThat(zapped1.header("webhook-signature").split(" ")).hasSize(2);

        // every receiver has its own webhook-id; WEBHOOK_URL keeps the original's msg_<tracking id>
        LocalReceiver.Delivery crmAnswer = byTrackingId(crmAnswers, crm);
        LocalReceiver.Delivery crmAudited = byTrackingId(crmAudit, crm);
        assertThat(crmAnswer.webhookId()).isEqualTo("msg_" + crm + "_answers");
        assertThat(crmAudited.webhookId()).isEqualTo("msg_" + crm + "_audit");
        assertThat(legacy1.webhookId()).isEqualTo("msg_" + old);
        // the endpoint's own headers and query go with it; another endpoint's do not
        assertThat(crmAudited.header("Authorization")).isEqualTo("Bearer audit-token");
        assertThat(crmAudited.path()).isEqualTo("/crm/audit");
        assertThat(crmAnswer.header("Authorization")).isNull();
        assertThat(crmAnswer.payload().path("original_query").asText()).isEqualTo("What did the CRM ask?");

        // nobody sees another caller's answers
        assertThat(zap.deliveries()).extracting(LocalReceiver.Delivery::trackingId).containsOnly(zapped);
        assertThat(legacy.deliveries()).extracting(LocalReceiver.Delivery::trackingId).containsOnly(old);
        assertThat(callback.receivedCount()).isZero();
    }

    @Test
    void anEndpointGetsOnlyTheEventTypesItListensFor() throws Exception {
        String failed = accepted(post(CRM_KEY, question("[emulator:validation] This one fails")));
        LocalReceiver.Delivery audited = audit.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(audited.trackingId()).isEqualTo(failed);
        assertThat(audited.payload().path("type").asText()).isEqualTo("query.failed");

        // "answers" takes query.answered only: the record never had a delivery for it
        ObjectNode status = awaitStatus(failed, CRM_KEY, "delivered");
        assertThat(status.get("deliveries")).extracting(d -> d.path("target").asText()).containsExactly("crm/audit");
        assertThat(answers.receivedCount()).isZero();
    }

    @Test
    void oneReceiverDownNeverHoldsUpAnother() throws Exception {
        audit.respondByDefault(LocalReceiver.Response.status(503));
        String id = accepted(post(CRM_KEY, question("Fan out while the audit receiver is down")));

        // the answers endpoint gets it at once, while the audit endpoint is still being retried
        LocalReceiver.Delivery delivered = answers.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(delivered.trackingId()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> entry(status(id, CRM_KEY), "crm/answers").path("status").asText().equals("delivered"));
        ObjectNode meanwhile = status(id, CRM_KEY);
        assertThat(entry(meanwhile, "crm/audit").path("status").asText()).isIn("pending", "delivering");
        assertThat(meanwhile.path("status").asText()).as("not delivered while a delivery is open").isNotEqualTo("delivered");

        // the audit endpoint's retries run out: its delivery alone ends in the DLQ, and so does the request's status
        ObjectNode ended = awaitStatus(id, CRM_KEY, "dead_lettered");
        JsonNode auditEntry = entry(ended, "crm/audit");
        assertThat(auditEntry.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(auditEntry.path("webhook_id").asText()).isEqualTo("msg_" + id + "_audit");
        assertThat(auditEntry.path("attempts")).isNotEmpty().allMatch(a -> a.path("http_status").asInt() == 503);
        assertThat(entry(ended, "crm/answers").path("status").asText()).isEqualTo("delivered");
        assertThat(answers.receivedCount()).as("the answers endpoint got it once").isEqualTo(1);
        List<Message> dead = app.drain(app.dlq("deliveries"));
        assertThat(dead).hasSize(1);
        assertThat(Json.MAPPER.readTree(dead.get(0).body()).path("webhook_id").asText()).isEqualTo("msg_" + id + "_audit");
        assertThat(audit.deliveries()).allMatch(d -> d.webhookId().equals("msg_" + id + "_audit"));
    }

    @Test
    void aCallbackUrlInsideTheAllowlistGetsTheAnswerThereOnly() throws Exception {
        String url = "http://127.0.0.1:" + callback.port() + "/cb/request-1?ref=42";
        String id = accepted(post(CRM_KEY, question("Send this one to my callback").put("callback_url", url)));
        LocalReceiver.Delivery delivered = callback.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(delivered.trackingId()).isEqualTo(id);
        assertThat(delivered.path()).isEqualTo("/cb/request-1");
        assertThat(signedWith(delivered, CRM_SECRET)).as("signed with the caller's secret").isTrue();
        assertThat(delivered.webhookId()).isEqualTo("msg_" + id + "_callback");
        ObjectNode status = awaitStatus(id, CRM_KEY, "delivered");
        assertThat(status.get("deliveries")).hasSize(1);
        assertThat(status.get("deliveries").get(0).path("url").asText()).isEqualTo("http://127.0.0.1:" + callback.port() + "/cb/request-1");
        assertThat(answers.receivedCount() + audit.receivedCount()).as("the caller's endpoints get nothing").isZero();
    }

    @Test
    void aCallbackUrlOutsideTheAllowlistIsRefusedAndNothingIsQueued() throws Exception {
        String requests = app.property("gateway.queue.requests");
        for (String refused : List.of(
                "http://127.0.0.1:" + callback.port() + "/elsewhere",                 // path outside /cb/
                "http://127.0.0.1:" + answers.port() + "/cb/x",                       // another port
                "https://127.0.0.1:" + callback.port() + "/cb/x",                     // another scheme
                "http://localhost:" + callback.port() + "/cb/x",                      // another host
                "http://127.0.0.1:" + callback.port() + "/cb/../admin",               // a path that leaves /cb/
                "http://127.0.0.1:" + callback.port() + "/cb/%2e%2e/admin")) {
            HttpResponse<String> response = post(CRM_KEY, question("Refused callback").put("callback_url", refused));
            assertThat(response.statusCode()).as(refused).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).as(refused)
                    .isEqualTo("callback_url is not allowed for this caller");
        }
        // callers without callback_urls (a file caller without them, a caller of GATEWAY_API_KEYS) cannot use one
        String allowedForCrm = "http://127.0.0.1:" + callback.port() + "/cb/x";
        assertThat(post(ZAP_KEY, question("zap").put("callback_url", allowedForCrm)).statusCode()).isEqualTo(400);
        assertThat(post(LEGACY_KEY, question("legacy").put("callback_url", allowedForCrm)).statusCode()).isEqualTo(400);
        HttpResponse<String> notText = post(CRM_KEY, question("number").put("callback_url", 42));
        assertThat(notText.statusCode()).isEqualTo(400);
        assertThat(notText.body()).contains("callback_url");
        assertThat(app.depth(requests)).as("nothing queued").isZero();
    }

    @Test
    void theStatusLookupShowsEveryDeliveryWithItsAttempts() throws Exception {
        answers.respondWith(LocalReceiver.Response.status(500));
        String id = accepted(post(CRM_KEY, question("Show me the attempt log")));
        ObjectNode status = awaitStatus(id, CRM_KEY, "delivered");
        JsonNode answered = entry(status, "crm/answers");
        assertThat(answered.path("url").asText()).isEqualTo(answers.url() + "crm/answers");
        assertThat(answered.path("webhook_id").asText()).isEqualTo("msg_" + id + "_answers");
        assertThat(answered.path("next_attempt_at").isNull()).isTrue();
        JsonNode attempts = answered.path("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).path("http_status").asInt()).isEqualTo(500);
        assertThat(attempts.get(0).path("error").path("code").asText()).isEqualTo("HTTP_500");
        assertThat(attempts.get(1).path("http_status").asInt()).isEqualTo(200);
        assertThat(attempts.get(1).path("error").isNull()).isTrue();
        assertThat(attempts).allMatch(a -> a.path("duration_ms").isNumber() && a.path("at").isTextual());
        assertThat(attempts.get(1).path("response_excerpt").asText()).isNotEmpty();
        // the audit endpoint's URL is shown without its query; no header value, no secret anywhere
        assertThat(entry(status, "crm/audit").path("url").asText()).isEqualTo(audit.url() + "crm/audit");
        assertThat(status.toString()).doesNotContain("audit-token", CRM_SECRET, AUDIT_SECRET, CRM_KEY);

        // another caller's tracking id is unknown to it
        assertThat(app.send(get("/webhook/" + id, ZAP_KEY)).statusCode()).isEqualTo(404);
    }

    @Test
    void resendDeliversTheStoredResultAgainToTheSameTargetsWithTheSameIds() throws Exception {
        String id = accepted(post(CRM_KEY, question("Resend me")));
        awaitStatus(id, CRM_KEY, "delivered");
        List<String> firstIds = List.of(answers.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).webhookId(),
                audit.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).webhookId());

        HttpResponse<String> resent = app.send(resend(id, CRM_KEY));
        assertThat(resent.statusCode()).isEqualTo(202);
        assertThat(Json.MAPPER.readTree(resent.body()).path("deliveries").asInt()).isEqualTo(2);
        List<LocalReceiver.Delivery> again = List.of(answers.awaitDeliveries(2, Duration.ofSeconds(30)).get(1),
                audit.awaitDeliveries(2, Duration.ofSeconds(30)).get(1));
        assertThat(again).extracting(LocalReceiver.Delivery::webhookId).containsExactlyElementsOf(firstIds);
        assertThat(again).extracting(LocalReceiver.Delivery::trackingId).containsOnly(id);
        assertThat(again.get(0).payload().path("ai_response").path("response").asText()).isNotBlank();
        assertThat(app.agent().callsForSession(id)).as("the agent is not asked again").isEqualTo(1);
        ObjectNode status = awaitStatus(id, CRM_KEY, "delivered");
        assertThat(entry(status, "crm/answers").path("attempts")).hasSize(2);

        // another caller's id: 404, as for an unknown one; still being answered: 409; not a UUID: 400; GET: 405
        assertThat(app.send(resend(id, ZAP_KEY)).statusCode()).isEqualTo(404);
        assertThat(app.send(resend("0b7f4c6e-1d2a-4c8b-9f3e-5a6b7c8d9e0f", CRM_KEY)).statusCode()).isEqualTo(404);
        assertThat(app.send(resend("not-a-uuid", CRM_KEY)).statusCode()).isEqualTo(400);
        String slow = accepted(post(CRM_KEY, question("[emulator:latency=4000] Still thinking")));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.send(get("/webhook/" + slow, CRM_KEY)).statusCode() == 200);
        HttpResponse<String> early = app.send(resend(slow, CRM_KEY));
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).contains("still being answered");
        assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook/" + id + "/resend"))
                .header("Authorization", "Bearer " + CRM_KEY).GET().build()).statusCode()).isEqualTo(405);
    }

    @Test
    void operatorsSeeTheCallersAndPerEndpointMetricsButNoSecret() throws Exception {
        String id = accepted(post(CRM_KEY, question("Count me")));
        awaitStatus(id, CRM_KEY, "delivered");
        HttpResponse<String> view = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers"))
                .header("Authorization", "Bearer admin-token-for-tests-0001").GET().build());
        assertThat(view.statusCode()).isEqualTo(200);
        JsonNode callers = Json.MAPPER.readTree(view.body()).path("callers");
        assertThat(callers).extracting(c -> c.path("name").asText()).contains("crm", "zap", "legacy");
        assertThat(view.body()).contains("answers", "audit", "Authorization", "/cb/*")
                .doesNotContain(CRM_KEY, CRM_NEXT_KEY, ZAP_KEY, LEGACY_KEY, CRM_SECRET, AUDIT_SECRET, ZAP_SECRET, LEGACY_SECRET,
                        "audit-token", "source=gateway");
        assertThat(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers")).GET().build()).statusCode())
                .as("admin token required").isEqualTo(401);

        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("gateway_deliveries_total{caller=\"crm\",endpoint=\"answers\",outcome=\"delivered\"}")
                .contains("gateway_deliveries_total{caller=\"crm\",endpoint=\"audit\",outcome=\"delivered\"}")
                .contains("gateway_delivery_attempts_total{caller=\"crm\",endpoint=\"answers\",outcome=\"delivered\",status_class=\"2xx\"}");
        // the gateway's delivery metrics name the target, never its URL
        assertThat(metrics.lines().filter(l -> l.startsWith("gateway_"))).noneMatch(l -> l.contains("127.0.0.1") || l.contains("crm/answers"));
    }

    // --- helpers ---

    static String secret(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) (seed * 17));
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    static ObjectNode question(String query) {
        return Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "per_caller_test");
    }

    static HttpResponse<String> post(String key, ObjectNode body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build());
    }

    static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    static HttpRequest get(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    static HttpRequest resend(String id, String key) {
        return HttpRequest.newBuilder(app.url("/webhook/" + id + "/resend")).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    static ObjectNode status(String id, String key) throws Exception {
        HttpResponse<String> response = app.send(get("/webhook/" + id, key));
        return response.statusCode() == 200 ? (ObjectNode) Json.MAPPER.readTree(response.body()) : Json.object();
    }

    /** The status view once it reaches {@code status}, with the record writers idle. */
    static ObjectNode awaitStatus(String id, String key, String status) throws Exception {
        TrackingRouteTestSupport.awaitStatus(app, id, status);
        return status(id, key);
    }

    static JsonNode entry(ObjectNode status, String target) {
        for (JsonNode delivery : status.path("deliveries")) {
            if (target.equals(delivery.path("target").asText())) {
                return delivery;
            }
        }
        return Json.object();
    }

    static LocalReceiver.Delivery byTrackingId(List<LocalReceiver.Delivery> deliveries, String id) {
        return deliveries.stream().filter(d -> id.equals(d.trackingId())).findFirst().orElseThrow();
    }
}
