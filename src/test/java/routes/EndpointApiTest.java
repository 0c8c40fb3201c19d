package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The endpoints' health as callers and operators act on it, through the real routes over HTTP: a callers file with two
 * callers (crm: endpoints "answers" and "audit", the latter listening for the endpoint events too; zap: "hooks") beside a
 * caller of GATEWAY_API_KEYS delivering to WEBHOOK_URL. Every answer is checked against the OpenAPI documents and every
 * webhook against the public one's {@code webhooks}. The endpoint-health timer runs every second.
 */
class EndpointApiTest {

    static final String CRM_KEY = "crm-key-0001-aaaaaaaaaaaa";
    static final String ZAP_KEY = "zap-key-0001-cccccccccccc";
    static final String LEGACY_KEY = "legacy-key-0001-dddddddd";
    static final String ADMIN_TOKEN = "admin-token-for-tests-0001";
    static final String CRM_SECRET = CallersDeliveryTest.secret(1);
    static final String ZAP_SECRET = CallersDeliveryTest.secret(3);
    static final Duration DEADLINE = Duration.ofSeconds(30);

    static CallersTestbed bed;
    static ScriptedReceiver answers;
    static ScriptedReceiver audit;
    static ScriptedReceiver zap;
    static ScriptedReceiver legacy;
    static ScriptedReceiver callback;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        bed = CallersTestbed.withReceivers("answers", "audit", "zap", "legacy", "callback");
        answers = bed.receiver("answers");
        audit = bed.receiver("audit");
        zap = bed.receiver("zap");
        legacy = bed.receiver("legacy");
        callback = bed.receiver("callback");
        app = bed.start("""
                callers:
                  - name: crm
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: answers
                        url: %scrm/answers
                        events: [query.answered]
                      - name: audit
                        url: %scrm/audit
                        events: [query.answered, endpoint.paused, endpoint.resumed]
                    callback_urls: ["http://127.0.0.1:%d/cb/*"]
                  - name: zap
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: hooks
                        url: %szap
                """.formatted(CRM_KEY, CRM_SECRET, answers.url(), audit.url(), callback.port(), ZAP_KEY, ZAP_SECRET, zap.url()),
                Map.of("gateway.api-keys.secret", "legacy:" + LEGACY_KEY,
                        "gateway.webhook.url", legacy.url() + "legacy",
                        "gateway.admin.token", ADMIN_TOKEN,
                        "gateway.admin.rate-limit.per-minute", "6000",
                        "gateway.admin.rate-limit.burst", "1000",
                        "gateway.endpoints.check-seconds", "1",
                        "gateway.endpoints.health-cache-seconds", "1",
                        "gateway.delivery.schedule", "1s")).app();
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

    /** Every endpoint healthy again, with nothing parked, for the next test. */
    @AfterEach
    void resumeEverything() throws Exception {
        for (JsonNode endpoint : adminList()) {
            if (!"healthy".equals(endpoint.path("state").asText())) {
                admin("/admin/endpoints/" + endpoint.path("caller").asText() + "/" + endpoint.path("name").asText() + "/resume", null);
            }
        }
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> adminList().stream()
                .allMatch(e -> "healthy".equals(e.path("state").asText()) && e.path("parked_deliveries").asLong() == 0));
    }

    @Test
    void aCallerListsItsOwnEndpointsOnly() throws Exception {
        JsonNode crm = ok(app.send(get("/endpoints", CRM_KEY)));
        // its webhooks in the file's order (then any callback URLs it has delivered to: another test's)
        assertThat(crm.path("endpoints")).extracting(e -> e.path("name").asText()).startsWith("answers", "audit")
                .filteredOn(n -> !n.startsWith("callback:")).hasSize(2);
        assertThat(crm.path("endpoints")).allMatch(e -> e.path("caller").asText().equals("crm")
                && e.path("state").asText().equals("healthy") && e.path("parked_deliveries").asLong() == 0);
        assertThat(crm.path("endpoints").get(0).path("url").asText()).isEqualTo(answers.url() + "crm/answers");
        assertThat(ok(app.send(get("/endpoints", ZAP_KEY))).path("endpoints")).extracting(e -> e.path("name").asText())
                .containsExactly("hooks");
        // a caller of GATEWAY_API_KEYS owns no endpoint: WEBHOOK_URL is the operator's
        assertThat(ok(app.send(get("/endpoints", LEGACY_KEY))).path("endpoints")).isEmpty();

        HttpResponse<String> anonymous = app.send(HttpRequest.newBuilder(app.url("/endpoints")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> deleted = app.send(HttpRequest.newBuilder(app.url("/endpoints"))
                .header("Authorization", "Bearer " + CRM_KEY).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(405);
        assertThat(deleted.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aCallersCallbackUrlsAreAnEndpointByTheirSchemeHostAndPort() throws Exception {
        String url = "http://127.0.0.1:" + callback.port() + "/cb/request-1";
        String name = "callback:http:127.0.0.1:" + callback.port();
        String id = CallersDeliveryTest.accepted(app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + CRM_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question("To my callback")
                        .put("callback_url", url)))).build()));
        awaitAnswer(callback, id);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() ->
                ok(app.send(get("/endpoints", CRM_KEY))).path("endpoints").size() == 3);
        JsonNode listed = ok(app.send(get("/endpoints", CRM_KEY))).path("endpoints").get(2);
        assertThat(listed.path("name").asText()).isEqualTo(name);
        assertThat(listed.path("url").isNull()).as("many URLs: the name says where").isTrue();
        assertThat(listed.path("last_success_at").isTextual()).isTrue();

        assertThat(app.send(post("/endpoints/" + name + "/pause", ZAP_KEY, null)).statusCode()).isEqualTo(404);
        JsonNode paused = ok(app.send(post("/endpoints/" + name + "/pause", CRM_KEY, null))).path("endpoint");
        assertThat(paused.path("name").asText()).isEqualTo(name);
        assertThat(paused.path("state").asText()).isEqualTo("paused");
        JsonNode resumed = ok(app.send(post("/endpoints/" + name.replace(":", "%3A") + "/resume", CRM_KEY, null)));
        assertThat(resumed.path("endpoint").path("state").asText()).isIn("resuming", "healthy");
    }

    @Test
    void anotherCallersEndpointOrAnUnknownOneIsNotFoundAndNothingChanges() throws Exception {
        for (HttpResponse<String> refused : List.of(
                app.send(post("/endpoints/answers/pause", ZAP_KEY, null)),               // crm's endpoint
                app.send(post("/endpoints/hooks/resume", CRM_KEY, null)),                // zap's endpoint
                app.send(post("/endpoints/nowhere/pause", CRM_KEY, null)),               // no such name
                app.send(post("/endpoints/default/pause", LEGACY_KEY, null)),            // WEBHOOK_URL: the operator's
                app.send(post("/endpoints/answers/recover", ZAP_KEY, since(Instant.now().minusSeconds(60)))))) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText())
                    .isEqualTo("No such endpoint: use a name GET /endpoints lists");
        }
        // a query or header of the same name does not stand in for the path's
        HttpResponse<String> smuggled = app.send(HttpRequest.newBuilder(app.url("/endpoints/hooks/pause?name=answers"))
                .header("Authorization", "Bearer " + CRM_KEY).header("name", "answers").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(smuggled.statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = app.send(get("/endpoints/answers/pause", CRM_KEY));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

        assertThat(adminList()).allMatch(e -> e.path("state").asText().equals("healthy"));
    }

    @Test
    void aPausedEndpointParksItsDeliveriesWhileTheOthersGetThemAndResumeReleasesThem() throws Exception {
        JsonNode paused = ok(app.send(post("/endpoints/answers/pause", CRM_KEY, null))).path("endpoint");
        assertThat(paused.path("state").asText()).isEqualTo("paused");
        assertThat(paused.path("paused_by").asText()).isEqualTo("caller");
        assertThat(paused.path("paused_at").isTextual()).isTrue();
        // the caller's other endpoint that listens for it is told, signed like an answer
        LocalReceiver.Delivery told = awaitEvent(audit, "endpoint.paused");
        assertThat(told.payload().path("data").path("endpoint").asText()).isEqualTo("answers");
        assertThat(told.payload().path("data").path("state").asText()).isEqualTo("paused");
        assertThat(told.webhookId()).startsWith("evt_").endsWith("_audit");
        assertThat(signedWith(told, CRM_SECRET)).isTrue();

        String id = CallersDeliveryTest.accepted(ask(CRM_KEY, "Answer me while answers is paused"));
        // the other endpoint gets it at once; the paused one's delivery waits, parked
        awaitAnswer(audit, id);
        ObjectNode status = awaitDelivery(CRM_KEY, id, "crm/answers", "parked");
        JsonNode parked = CallersDeliveryTest.entry(status, "crm/answers");
        assertThat(parked.path("parked_since").isTextual()).isTrue();
        assertThat(parked.path("endpoint_state").asText()).isEqualTo("paused");
        assertThat(answers.receivedCount()).as("nothing sent to a paused endpoint").isZero();
        JsonNode listed = ok(app.send(get("/endpoints", CRM_KEY))).path("endpoints").get(0);
        assertThat(listed.path("state").asText()).isEqualTo("paused");
        assertThat(listed.path("parked_deliveries").asLong()).isEqualTo(1);

        JsonNode resumed = ok(app.send(post("/endpoints/answers/resume", CRM_KEY, null))).path("endpoint");
        assertThat(resumed.path("state").asText()).isIn("resuming", "healthy");
        LocalReceiver.Delivery released = awaitAnswer(answers, id);
        assertThat(released.webhookId()).isEqualTo("msg_" + id + "_answers");
        assertThat(signedWith(released, CRM_SECRET)).isTrue();
        assertThat(awaitEvent(audit, "endpoint.resumed").payload().path("data").path("state").asText()).isEqualTo("resuming");
        awaitDelivery(CRM_KEY, id, "crm/answers", "delivered");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() ->
                ok(app.send(get("/endpoints", CRM_KEY))).path("endpoints").get(0).path("state").asText().equals("healthy"));
        assertThat(answers.receivedCount()).isEqualTo(1);
    }

    @Test
    void recoverSendsADeadLetteredDeliveryAgainOnceWithItsOwnWebhookId() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String id = deadLettered(answers, CRM_KEY, "crm/answers");
        Instant after = Instant.now();

        // since after the answer was made: nothing to recover
        JsonNode none = ok(app.send(post("/endpoints/answers/recover", CRM_KEY, since(after))));
        assertThat(none.path("recovered").asInt()).isZero();
        assertThat(none.path("parked").asLong()).isZero();

        // since before: it goes again, with the webhook-id it had
        JsonNode recovered = ok(app.send(post("/endpoints/answers/recover", CRM_KEY, since(before))));
        assertThat(recovered.path("endpoint").asText()).isEqualTo("answers");
        assertThat(recovered.path("recovered").asInt()).isEqualTo(1);
        assertThat(recovered.path("already_delivered").asInt()).isZero();
        LocalReceiver.Delivery again = awaitAnswer(answers, id);
        assertThat(again.webhookId()).isEqualTo("msg_" + id + "_answers");
        awaitDelivery(CRM_KEY, id, "crm/answers", "delivered");

        // asked again: delivered since, so not sent twice
        JsonNode twice = ok(app.send(post("/endpoints/answers/recover", CRM_KEY, since(before))));
        assertThat(twice.path("recovered").asInt()).isZero();
        assertThat(twice.path("already_delivered").asInt()).isEqualTo(1);
        assertThat(twice.path("parked").asLong()).isZero();
    }

    @Test
    void recoverRefusesABadBody() throws Exception {
        for (String body : List.of("{\"since\":\"yesterday\"}", "{}", "{\"since\":42}", "[]", "not json",
                Json.write(Json.object().put("since", Instant.now().plusSeconds(3600).toString())))) {
            HttpResponse<String> refused = app.send(post("/endpoints/answers/recover", CRM_KEY, body));
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
        }
        HttpResponse<String> text = app.send(HttpRequest.newBuilder(app.url("/endpoints/answers/recover"))
                .header("Authorization", "Bearer " + CRM_KEY).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(since(Instant.now()))).build());
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(app.send(HttpRequest.newBuilder(app.url("/endpoints/answers/recover")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(since(Instant.now()))).build()).statusCode()).isEqualTo(401);
    }

    @Test
    void operatorsSeeEveryEndpointAndActOnAnyWithTheAdminToken() throws Exception {
        assertThat(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/endpoints")).GET().build()).statusCode())
                .as("admin token required").isEqualTo(401);
        assertThat(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/endpoints/zap/hooks/pause"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(401);
        List<JsonNode> all = adminList();
        assertThat(all).extracting(e -> e.path("caller").asText() + "/" + e.path("name").asText())
                .filteredOn(n -> !n.contains("/callback:"))
                .containsExactly("default/default", "crm/answers", "crm/audit", "zap/hooks");
        assertThat(all.get(0).path("url").asText()).isEqualTo(legacy.url() + "legacy");

        try (LogCapture log = LogCapture.start()) {
            JsonNode paused = admin("/admin/endpoints/zap/hooks/pause", null);
            assertThat(paused.path("endpoint").path("state").asText()).isEqualTo("paused");
            assertThat(paused.path("endpoint").path("paused_by").asText()).isEqualTo("operator");
            assertThat(ok(app.send(get("/endpoints", ZAP_KEY))).path("endpoints").get(0).path("state").asText()).isEqualTo("paused");
            JsonNode resumed = admin("/admin/endpoints/zap/hooks/resume", null);
            assertThat(resumed.path("endpoint").path("state").asText()).isIn("resuming", "healthy");
            assertThat(log.events()).filteredOn(e -> e.startsWith("WARN gateway.admin.ManagementEndpoints Operator"))
                    .hasSize(2).anyMatch(e -> e.contains("paused endpoint zap/hooks")).anyMatch(e -> e.contains("resumed endpoint zap/hooks"));
        }

        // unknown: 404, for any caller; a bad since: 400
        assertThat(adminCall("/admin/endpoints/zap/answers/pause", null).statusCode()).isEqualTo(404);
        assertThat(adminCall("/admin/endpoints/nobody/default/resume", null).statusCode()).isEqualTo(404);
        assertThat(adminCall("/admin/endpoints/default/default/recover", "{\"since\":\"soon\"}").statusCode()).isEqualTo(400);
        assertThat(adminCall("/admin/endpoints/nobody/x/recover", since(Instant.now())).statusCode()).isEqualTo(404);

        // WEBHOOK_URL refused a delivery: the operator recovers it
        Instant before = Instant.now().minusSeconds(1);
        String id = deadLettered(legacy, LEGACY_KEY, "default");
        JsonNode recovered = admin("/admin/endpoints/default/default/recover", since(before));
        assertThat(recovered.path("recovered").asInt()).isEqualTo(1);
        LocalReceiver.Delivery again = awaitAnswer(legacy, id);
        assertThat(again.webhookId()).isEqualTo("msg_" + id);
        awaitDelivery(LEGACY_KEY, id, "default", "delivered");
    }

    @Test
    void whenTheStoreIsDownEveryEndpointCallAnswers503AndNothingElse() throws Exception {
        try (GatewayTestApp down = GatewayTestApp.start(Map.of(
                "gateway.callers.file", bed.callersFile().toString(),
                "gateway.api-keys.secret", "legacy:" + LEGACY_KEY,
                "gateway.webhook.url", legacy.url() + "legacy",
                "gateway.admin.token", ADMIN_TOKEN,
                "gateway.s3.endpoint", "http://127.0.0.1:" + GatewayTestApp.freePort(),
                "gateway.local.create-bucket", "false"))) {
            List<HttpRequest> calls = List.of(
                    HttpRequest.newBuilder(down.url("/endpoints")).header("Authorization", "Bearer " + CRM_KEY).GET().build(),
                    HttpRequest.newBuilder(down.url("/endpoints/answers/pause")).header("Authorization", "Bearer " + CRM_KEY)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpRequest.newBuilder(down.url("/endpoints/answers/recover")).header("Authorization", "Bearer " + CRM_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(since(Instant.now().minusSeconds(60)))).build(),
                    HttpRequest.newBuilder(down.managementUrl("/admin/endpoints")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .GET().build(),
                    HttpRequest.newBuilder(down.managementUrl("/admin/endpoints/crm/answers/resume"))
                            .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
            for (HttpRequest call : calls) {
                HttpResponse<String> unavailable = down.send(call);
                assertThat(unavailable.statusCode()).as(call.uri() + " " + unavailable.body()).isEqualTo(503);
                assertThat(unavailable.body()).doesNotContain("Exception", "127.0.0.1");
            }
            // what needs no store is answered as usual
            assertThat(down.send(HttpRequest.newBuilder(down.url("/endpoints")).header("Authorization", "Bearer " + LEGACY_KEY)
                    .GET().build()).statusCode()).isEqualTo(200);
        }
    }

    // --- helpers ---

    static HttpResponse<String> ask(String key, String query) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question(query)), StandardCharsets.UTF_8))
                .build());
    }

    static HttpRequest get(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    static HttpRequest post(String path, String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key);
        if (json == null) {
            return request.POST(HttpRequest.BodyPublishers.noBody()).build();
        }
        return request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    }

    static String since(Instant at) {
        return Json.write(Json.object().put("since", at.toString()));
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    static HttpResponse<String> adminCall(String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.managementUrl(path)).header("Authorization", "Bearer " + ADMIN_TOKEN);
        if (json == null) {
            return app.send(request.POST(HttpRequest.BodyPublishers.noBody()).build());
        }
        return app.send(request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    static JsonNode admin(String path, String json) throws Exception {
        return ok(adminCall(path, json));
    }

    static List<JsonNode> adminList() throws Exception {
        JsonNode list = ok(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/endpoints"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build()));
        List<JsonNode> endpoints = new ArrayList<>();
        list.path("endpoints").forEach(endpoints::add);
        return endpoints;
    }

    /**
     * A question of {@code key}'s whose delivery to {@code target} the receiver refused (400: dead-lettered at once, a copy
     * kept for a recover); the receiver then takes deliveries again, and has none yet.
     */
    static String deadLettered(ScriptedReceiver receiver, String key, String target) throws Exception {
        receiver.respondByDefault(LocalReceiver.Response.status(400));
        String id = CallersDeliveryTest.accepted(ask(key, "Refused at first, recovered later"));
        awaitDelivery(key, id, target, "dead_lettered");
        receiver.clear();
        receiver.respondByDefault(LocalReceiver.Response.status(200));
        return id;
    }

    /** The status view (as its caller, {@code key}, sees it) once the delivery to {@code target} has that status. */
    static ObjectNode awaitDelivery(String key, String id, String target, String status) throws Exception {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() ->
                CallersDeliveryTest.entry(statusOf(key, id), target).path("status").asText().equals(status));
        return statusOf(key, id);
    }

    static ObjectNode statusOf(String key, String id) throws Exception {
        HttpResponse<String> response = app.send(get("/webhook/" + id, key));
        return response.statusCode() == 200 ? (ObjectNode) Json.MAPPER.readTree(response.body()) : Json.object();
    }

    static LocalReceiver.Delivery awaitAnswer(ScriptedReceiver receiver, String id) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.deliveries().stream().anyMatch(d -> id.equals(d.trackingId())));
        return receiver.deliveries().stream().filter(d -> id.equals(d.trackingId())).findFirst().orElseThrow();
    }

    static LocalReceiver.Delivery awaitEvent(ScriptedReceiver receiver, String type) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> receiver.deliveries().stream()
                .anyMatch(d -> type.equals(d.payload().path("type").asText())));
        return receiver.deliveries().stream().filter(d -> type.equals(d.payload().path("type").asText())).findFirst().orElseThrow();
    }
}
