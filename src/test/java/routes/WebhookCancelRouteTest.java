package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.cancel.CancellationWatch;
import gateway.json.Json;
import gateway.local.EmbeddedSqsServer;
import gateway.local.LocalReceiver;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DELETE /webhook/{tracking_id}} on the real app: cancelled while queued (the agent is never asked), at the agent
 * (the emulator sees its call aborted), after the answer (409), by another caller (404); the caller gets a signed
 * {@code query.cancelled} webhook and never an answer; the record says "cancelled" for good, also on a later receive
 * that only the record can tell.
 */
class WebhookCancelRouteTest {

    static final String ALICE = "alice-key-0123456789";
    static final String BOB = "bob-key-0123456789";

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;
    static ProbedAgentEmulator emulator;
    static String requests;
    static String deliveries;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE + ",bob:" + BOB,
                "gateway.cancel.poll-ms", "200"));
        receiver = flow.receiver();
        app = flow.app();
        emulator = app.agent();
        requests = app.property("gateway.queue.requests");
        deliveries = app.property("gateway.queue.deliveries");
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @BeforeEach
    void clean() {
        flow.reset();
    }

    @AfterEach
    void agentStageRunsAgain() throws Exception {
        app.context().getRouteController().startRoute("agent-invoke");
    }

    @Test
    void cancelledWhileQueuedIsNeverAskedAndTheCallerIsTold() throws Exception {
        double before = cancellations("queued");
        app.stopRoute("agent-invoke");
        String id = accepted(post("Which deals close this quarter?", ALICE));
        awaitRecord(id);
        // open: no outcome yet
        JsonNode open = Json.MAPPER.readTree(get(id, ALICE).body());
        assertThat(open.path("status").asText()).isEqualTo("queued");
        assertThat(open.has("outcome")).isTrue();
        assertThat(open.get("outcome").isNull()).isTrue();

        HttpResponse<String> cancel = delete(id, ALICE);
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode body = Json.MAPPER.readTree(cancel.body());
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("tracking_id").asText()).isEqualTo(id);
        assertThat(body.get("status").asText()).isEqualTo("cancelled");
        // recorded before the 202
        assertThat(TrackingRouteTestSupport.readObject(app, "records/" + id + ".json").path("status").asText()).isEqualTo("cancelled");

        app.context().getRouteController().startRoute("agent-invoke");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
        assertThat(emulator.callsForSession(id)).as("the agent is never asked").isZero();

        LocalReceiver.Delivery told = awaitOnly(id);
        assertThat(told.signatureValid()).as("signed like every webhook").isTrue();
        assertThat(told.webhookId()).isEqualTo("msg_" + id);
        JsonNode payload = told.payload();
        assertThat(payload.path("type").asText()).isEqualTo("query.cancelled");
        assertThat(payload.path("status").asText()).isEqualTo("cancelled");
        assertThat(payload.path("original_query").asText()).isEqualTo("Which deals close this quarter?");
        assertThat(payload.path("ai_response").path("response").isNull()).isTrue();
        assertThat(payload.has("error")).isFalse();

        // the status stays cancelled while and after its webhook is delivered; the delivery shows
        ObjectNode record = awaitDeliveriesEnded(id);
        assertThat(record.path("status").asText()).isEqualTo("cancelled");
        JsonNode view = Json.MAPPER.readTree(get(id, ALICE).body());
        assertThat(view.path("status").asText()).isEqualTo("cancelled");
        assertThat(view.path("outcome").asText()).isEqualTo("cancelled");
        assertThat(view.path("cancelled_at").isTextual()).isTrue();
        assertThat(view.has("answered_at")).isFalse();
        assertThat(view.has("failed_at")).isFalse();
        assertThat(view.path("deliveries")).hasSize(1);
        assertThat(view.path("deliveries").get(0).path("status").asText()).isEqualTo("delivered");
        await().atMost(Duration.ofSeconds(30)).until(() -> cancellations("queued") >= before + 1);
        assertThat(app.depth(deliveries)).isZero();
        assertThat(receiver.deliveries()).filteredOn(d -> id.equals(d.trackingId())).hasSize(1);
    }

    /** A browser's DELETE (the caller console's) carries a dozen headers: none of them goes to the deliveries queue. */
    @Test
    void aCancelWithABrowsersHeadersIsAcceptedAndTheCallerIsTold() throws Exception {
        app.stopRoute("agent-invoke");
        String id = accepted(post("Cancel me from a browser", ALICE));
        awaitRecord(id);
        HttpResponse<String> cancel = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id))
                .header("Authorization", "Bearer " + ALICE).header("Accept", "application/json")
                .header("Accept-Language", "en-US,en;q=0.9").header("sec-ch-ua", "\"Chromium\";v=\"156\"")
                .header("sec-ch-ua-mobile", "?0").header("sec-ch-ua-platform", "\"Linux\"").header("Sec-Fetch-Dest", "empty")
                .header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Site", "same-origin").header("Origin", app.url("").toString())
                .header("Priority", "u=1, i").header("Accept-Encoding", "gzip, deflate").header("Cache-Control", "no-cache")
                .DELETE().build());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        app.context().getRouteController().startRoute("agent-invoke");
        LocalReceiver.Delivery told = awaitOnly(id);
        assertThat(told.payload().path("type").asText()).isEqualTo("query.cancelled");
    }

    @Test
    void cancelledAtTheAgentAbortsTheCall() throws Exception {
        double before = cancellations("agent");
        String id = accepted(post("[emulator:latency=20000] A long agent run", ALICE));
        await().atMost(Duration.ofSeconds(30)).until(() -> emulator.callsForSession(id) == 1);
        awaitRecord(id);

        assertThat(delete(id, ALICE).statusCode()).isEqualTo(202);

        // the emulator sees its client go away before the answer; the request is deleted, not retried
        await().atMost(Duration.ofSeconds(30)).until(() -> emulator.abortedCallsForSession(id) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> cancellations("agent") >= before + 1);
        assertThat(emulator.callsForSession(id)).as("asked once, never again").isEqualTo(1);

        LocalReceiver.Delivery told = awaitOnly(id);
        assertThat(told.payload().path("type").asText()).isEqualTo("query.cancelled");
        ObjectNode record = awaitDeliveriesEnded(id);
        assertThat(record.path("status").asText()).isEqualTo("cancelled");
        assertThat(record.has("answered_at")).as("no answer was kept").isFalse();
        assertThat(app.depth(deliveries)).isZero();
        assertThat(receiver.deliveries()).filteredOn(d -> id.equals(d.trackingId())).hasSize(1);
    }

    @Test
    void tooLateOnceAnswered() throws Exception {
        String id = accepted(post("Answered before the cancel", ALICE));
        TrackingRouteTestSupport.awaitStatus(app, id, "delivered");

        HttpResponse<String> cancel = delete(id, ALICE);
        assertThat(cancel.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(cancel.body()).get("error").asText()).contains("Too late to cancel");
        assertThat(TrackingRouteTestSupport.readObject(app, "records/" + id + ".json").path("status").asText()).isEqualTo("delivered");
        assertThat(receiver.deliveries()).filteredOn(d -> id.equals(d.trackingId()))
                .extracting(d -> d.payload().path("type").asText()).containsExactly("query.answered");
    }

    @Test
    void onlyTheCallerThatAskedMayCancel() throws Exception {
        app.stopRoute("agent-invoke");
        String id = accepted(post("Alice's question", ALICE));
        awaitRecord(id);

        HttpResponse<String> bobs = delete(id, BOB);
        assertThat(bobs.statusCode()).as("another caller's id: like an unknown one").isEqualTo(404);
        assertThat(delete(UUID.randomUUID().toString(), ALICE).statusCode()).isEqualTo(404);
        assertThat(delete("not-a-uuid", ALICE).statusCode()).isEqualTo(400);
        assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).DELETE().build()).statusCode()).isEqualTo(401);
        assertThat(TrackingRouteTestSupport.readObject(app, "records/" + id + ".json").path("status").asText()).isEqualTo("queued");

        // a repeated cancel: 202 again, one query.cancelled webhook all the same
        assertThat(delete(id, ALICE).statusCode()).isEqualTo(202);
        assertThat(delete(id, ALICE).statusCode()).isEqualTo(202);
        app.context().getRouteController().startRoute("agent-invoke");
        awaitOnly(id);
        awaitDeliveriesEnded(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0 && app.depth(deliveries) == 0);
        assertThat(receiver.deliveries()).filteredOn(d -> id.equals(d.trackingId())).hasSize(1);
        assertThat(emulator.callsForSession(id)).isZero();
    }

    @Test
    void aLaterReceiveKnowsFromTheRecordAlone() throws Exception {
        app.stopRoute("agent-invoke");
        String id = accepted(post("Cancelled, then received again elsewhere", ALICE));
        awaitRecord(id);
        assertThat(delete(id, ALICE).statusCode()).isEqualTo(202);

        // another replica: it never saw the marker (gone), and the request has been received once already (a crash)
        S3Bucket bucket = app.bean("s3Bucket", S3Bucket.class);
        bucket.client().deleteObject(r -> r.bucket(bucket.name()).key(bucket.key("watch/cancelled/" + id)));
        app.bean("cancellationWatch", CancellationWatch.class).forget();
        String url = app.queueUrl(requests);
        List<Message> received = app.sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5).maxNumberOfMessages(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertThat(received).filteredOn(m -> m.body().contains(id)).hasSize(1);
        received.forEach(m -> app.sqs().changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
        assertThat(app.bean("cancellationWatch", CancellationWatch.class).knows(id)).isFalse();

        app.context().getRouteController().startRoute("agent-invoke");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
        assertThat(emulator.callsForSession(id)).as("the record says cancelled: never asked").isZero();
        awaitOnly(id);
        assertThat(awaitDeliveriesEnded(id).path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void neverAskedAfterARestartEither() throws Exception {
        // the queue and the bucket outlive the app: the cancelled question's request is still queued when it stops, and
        // the next app's first receive of it (no record read) knows from the marker
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        sqs.start();
        try (EmbeddedS3 s3 = EmbeddedS3.start("ai-webhook-gateway");
                ScriptedReceiver told = ScriptedReceiver.startOnRandomPort(ReceiverAndApp.SECRET)) {
            Map<String, String> shared = Map.of("gateway.sqs.endpoint", sqs.endpoint().toString(),
                    "gateway.s3.endpoint", s3.server().endpoint().toString(), "gateway.s3.conditional-writes", "false",
                    "gateway.api-keys.secret", "alice:" + ALICE, "gateway.webhook.url", told.url(),
                    "gateway.webhook.signing.secret", ReceiverAndApp.SECRET);
            String id;
            Map<String, String> first = new java.util.HashMap<>(shared);
            first.put("gateway.agent.stage-enabled", "false");
            first.put("gateway.delivery.stage-enabled", "false");
            try (GatewayTestApp before = GatewayTestApp.start(first)) {
                HttpResponse<String> posted = before.send(HttpRequest.newBuilder(before.url("/webhook"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + ALICE)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", "Cancelled before a restart")
                                .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "review"))))
                        .build());
                id = accepted(posted);
                String path = "records/" + id + ".json";
                await().atMost(Duration.ofSeconds(30)).until(() -> TrackingRouteTestSupport.readObject(before, path) != null);
                assertThat(before.send(HttpRequest.newBuilder(before.url("/webhook/" + id))
                        .header("Authorization", "Bearer " + ALICE).DELETE().build()).statusCode()).isEqualTo(202);
                assertThat(before.depth(before.property("gateway.queue.requests"))).isEqualTo(1);
            }
            try (GatewayTestApp after = GatewayTestApp.start(shared)) {
                ProbedAgentEmulator agent = after.agent();
                String queue = after.property("gateway.queue.requests");
                await().atMost(Duration.ofSeconds(30)).until(() -> after.depth(queue) == 0);
                assertThat(agent.callsForSession(id)).as("never asked after the restart").isZero();
                LocalReceiver.Delivery delivery = told.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
                assertThat(delivery.payload().path("type").asText()).isEqualTo("query.cancelled");
                assertThat(delivery.signatureValid()).isTrue();
                String path = "records/" + id + ".json";
                await().atMost(Duration.ofSeconds(30)).until(() -> TrackingRouteTestSupport.readObject(after, path).hasNonNull("finished_at"));
                assertThat(TrackingRouteTestSupport.readObject(after, path).path("status").asText()).isEqualTo("cancelled");
                await().atMost(Duration.ofSeconds(30)).until(() -> after.depth(after.property("gateway.queue.deliveries")) == 0);
                assertThat(told.deliveries()).hasSize(1);
            }
        } finally {
            sqs.stop();
        }
    }

    @Test
    void endpointsTakeQueryCancelledByTheirEvents() throws Exception {
        try (ScriptedReceiver answers = ScriptedReceiver.startOnRandomPort(null);
                ScriptedReceiver everything = ScriptedReceiver.startOnRandomPort(null)) {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("callers", ".yaml");
            java.nio.file.Files.writeString(file, """
                    callers:
                      - name: crm
                        api_keys: ["crm-key-0001-aaaaaaaaaaaa"]
                        signing_secrets: ["%s"]
                        webhooks:
                          - name: answers
                            url: %sanswers
                            events: [query.answered]
                          - name: all
                            url: %sall
                      - name: zap
                        api_keys: ["zap-key-0001-cccccccccccc"]
                        signing_secrets: ["%s"]
                        webhooks:
                          - name: answers
                            url: %szap
                            events: [query.answered, query.failed]
                    """.formatted(ReceiverAndApp.SECRET, answers.url(), everything.url(), ReceiverAndApp.SECRET, answers.url()));
            try (GatewayTestApp callers = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(),
                    "gateway.agent.stage-enabled", "false"))) {
                String crm = accepted(post(callers, "crm-key-0001-aaaaaaaaaaaa"));
                String zap = accepted(post(callers, "zap-key-0001-cccccccccccc"));
                for (String id : List.of(crm, zap)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> TrackingRouteTestSupport.readObject(callers, "records/" + id + ".json") != null);
                }
                assertThat(callers.send(HttpRequest.newBuilder(callers.url("/webhook/" + crm))
                        .header("Authorization", "Bearer crm-key-0001-aaaaaaaaaaaa").DELETE().build()).statusCode()).isEqualTo(202);
                assertThat(callers.send(HttpRequest.newBuilder(callers.url("/webhook/" + zap))
                        .header("Authorization", "Bearer zap-key-0001-cccccccccccc").DELETE().build()).statusCode()).isEqualTo(202);

                // the endpoint that takes every event gets it; the one for answers only does not
                LocalReceiver.Delivery told = everything.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
                assertThat(told.trackingId()).isEqualTo(crm);
                assertThat(told.webhookId()).isEqualTo("msg_" + crm + "_all");
                assertThat(told.payload().path("type").asText()).isEqualTo("query.cancelled");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        TrackingRouteTestSupport.readObject(callers, "records/" + crm + ".json").hasNonNull("finished_at"));
                JsonNode record = TrackingRouteTestSupport.readObject(callers, "records/" + crm + ".json");
                assertThat(record.path("status").asText()).isEqualTo("cancelled");
                assertThat(record.path("deliveries").fieldNames()).toIterable().containsExactly("msg_" + crm + "_all");

                // nobody of zap's takes it: cancelled and over at once, nothing delivered
                JsonNode zapped = TrackingRouteTestSupport.readObject(callers, "records/" + zap + ".json");
                assertThat(zapped.path("status").asText()).isEqualTo("cancelled");
                assertThat(zapped.hasNonNull("finished_at")).isTrue();
                assertThat(zapped.has("deliveries")).isFalse();
                await().atMost(Duration.ofSeconds(30)).until(() -> callers.depth(callers.property("gateway.queue.deliveries")) == 0);
                assertThat(answers.receivedCount()).isZero();
                assertThat(everything.receivedCount()).isEqualTo(1);
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
    }

    // ---

    static HttpResponse<String> post(GatewayTestApp target, String key) throws Exception {
        String body = Json.write(Json.object().put("query", "Cancelled at once").put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "review"));
        return target.send(HttpRequest.newBuilder(target.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static double cancellations(String stage) throws Exception {
        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("gateway_cancellations_total{") && line.contains("stage=\"" + stage + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static LocalReceiver.Delivery awaitOnly(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().stream().anyMatch(d -> id.equals(d.trackingId())));
        List<LocalReceiver.Delivery> mine = receiver.deliveries().stream().filter(d -> id.equals(d.trackingId())).toList();
        assertThat(mine).hasSize(1);
        return mine.get(0);
    }

    static ObjectNode awaitDeliveriesEnded(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode record = TrackingRouteTestSupport.readObject(app, "records/" + id + ".json");
            return record != null && record.hasNonNull("finished_at");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> TrackingRouteTestSupport.recordWritersIdle(app));
        return (ObjectNode) TrackingRouteTestSupport.readObject(app, "records/" + id + ".json");
    }

    static void awaitRecord(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> TrackingRouteTestSupport.readObject(app, "records/" + id + ".json") != null);
    }

    static String accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    static HttpResponse<String> delete(String id, String key) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).header("Authorization", "Bearer " + key).DELETE().build());
    }

    static HttpResponse<String> get(String id, String key) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).header("Authorization", "Bearer " + key).GET().build());
    }

    static HttpResponse<String> post(String query, String key) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "quarterly_review"));
        return app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
