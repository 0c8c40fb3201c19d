package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import gateway.tracking.ConversationExport;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracking on the real app: the record follows each request through every status (happy path, a failed
 * agent call, a retried delivery, a dead-lettered one), the status endpoint answers its caller only and says how the
 * question ended (outcome; a record written before outcome reads the same way), and the conversation export is
 * written when the delivery ends.
 */
class TrackingRouteTest {

    static final String ALICE = "alice-key-0123456789";
    static final String BOB = "bob-key-0123456789";

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE + ",bob:" + BOB));
        receiver = flow.receiver();
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @BeforeEach
    void clean() {
        flow.reset();
    }

    @Test
    void everyNodeOfTheTrackingStepsHasItsId() {
        List<String> ids = new ArrayList<>();
        ModelCamelContext model = (ModelCamelContext) app.context();
        model.getRouteDefinitions().forEach(route -> collectIds(route.getOutputs(), ids));
        for (String id : List.of("record-queued", "read-record", "already-answered", "re-enqueue-answer",
                "delete-answered-request", "delete-delivered-request", "record-processing", "record-answered",
                "record-failed", "record-agent-retrying", "record-delivering", "post-webhook", "delete-delivery",
                "record-delivered", "record-deferred", "record-dead-lettered", "write-outcome",
                "export-conversation", "read-status", "enqueue-request", "enqueue-answer", "delete-request",
                // the S3 calls themselves (routes/TrackingRoute)
                "get-record", "put-record", "put-conversation", "put-metadata", "put-summary")) {
            assertThat(ids).as("node ids").contains(id);
        }
    }

    /** Every node id under {@code nodes}, choices included (also FlowMetricsTest's). */
    static void collectIds(List<ProcessorDefinition<?>> nodes, List<String> ids) {
        for (ProcessorDefinition<?> node : nodes) {
            if (node.getId() != null) {
                ids.add(node.getId());
            }
            if (node instanceof ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(w -> collectIds(w.getOutputs(), ids));
                if (choice.getOtherwise() != null) {
                    collectIds(choice.getOtherwise().getOutputs(), ids);
                }
            }
            collectIds(node.getOutputs(), ids);
        }
    }

    @Test
    void happyPathRecordGoesThroughEveryStatusAndIsExported() throws Exception {
        String query = "What deals are closing this quarter? " + "x".repeat(300);
        HttpResponse<String> accepted = post(query, ALICE);
        String id = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/webhook/" + id);

        ObjectNode record = awaitStatus(id, "delivered");
        assertThat(statuses(record)).containsExactly("queued", "processing", "answered", "delivering", "delivered");
        assertThat(record.get("agent_attempts").asInt()).isEqualTo(1);
        assertThat(record.get("delivery_attempts").asInt()).isEqualTo(1);
        assertThat(record.get("last_http_status").asInt()).isEqualTo(200);
        assertThat(record.get("caller").asText()).isEqualTo("alice");
        assertThat(record.get("session_id").asText()).isEqualTo(id);
        for (String at : List.of("queued_at", "processing_started_at", "answered_at", "finished_at")) {
            assertThat(record.hasNonNull(at)).as(at).isTrue();
        }
        assertThat(record.get("queued_at").asText()).isLessThanOrEqualTo(record.get("answered_at").asText());
        assertThat(record.get("answered_at").asText()).isLessThanOrEqualTo(record.get("finished_at").asText());
        assertThat(record.get("outcome").asText()).isEqualTo("answered");
        assertThat(record.has("failed_at")).isFalse();

        // the status endpoint: the record without request, prompt, caller or answer
        HttpResponse<String> status = get(id, ALICE);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode view = Json.MAPPER.readTree(status.body());
        assertThat(view.get("success").asBoolean()).isTrue();
        assertThat(view.get("tracking_id").asText()).isEqualTo(id);
        assertThat(view.get("status").asText()).isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("answered");
        assertThat(view.get("answered_at").asText()).isEqualTo(record.get("answered_at").asText());
        assertThat(view.has("failed_at")).isFalse();
        assertThat(view.get("delivery_attempts").asInt()).isEqualTo(1);
        assertThat(view.get("history")).hasSize(5);
        assertThat(view.has("last_error")).isTrue();
        assertThat(view.has("answer")).as("STATUS_INCLUDE_ANSWER is false").isFalse();
        assertThat(status.body()).doesNotContain("What deals", "Negotiation", "alice", "USER REQUEST");

        // the export, under the day the request was queued
        String folder = ConversationExport.folder(record);
        assertThat(folder).matches("conversation-history/year=\\d{4}/month=\\d{2}/day=\\d{2}/" + id + "/");
        JsonNode conversation = awaitObject(folder + "conversation.json");
        assertThat(conversation.get("tracking_id").asText()).isEqualTo(id);
        assertThat(conversation.get("session_id").asText()).isEqualTo(id);
        assertThat(conversation.get("request").get("query").asText()).isEqualTo(query);
        assertThat(conversation.get("request").get("source_system").asText()).isEqualTo("crm");
        assertThat(conversation.get("prompt").asText()).contains(query).contains("USER REQUEST");
        assertThat(conversation.get("outcome").asText()).isEqualTo("answered");
        assertThat(conversation.get("answer").get("status").asText()).isEqualTo("answered");
        assertThat(conversation.get("answer").get("response").asText()).contains("**Negotiation**");
        assertThat(conversation.get("answer").get("response_plain").asText()).contains("deal_stage");
        assertThat(conversation.get("delivery").get("outcome").asText()).isEqualTo("delivered");
        assertThat(conversation.get("delivery").get("attempts").asInt()).isEqualTo(1);
        assertThat(conversation.get("delivery").get("last_http_status").asInt()).isEqualTo(200);
        JsonNode delivered = conversation.get("delivery").get("deliveries");
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).get("webhook_id").asText()).isEqualTo("msg_" + id);
        assertThat(delivered.get(0).get("attempts").get(0).get("http_status").asInt()).isEqualTo(200);
        assertThat(delivered.get(0).has("target_ref")).isFalse();
        assertThat(conversation.get("timings").get("total_duration_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(conversation.get("timings").get("agent_duration_ms").isNumber()).isTrue();
        assertThat(conversation.get("history")).hasSize(5);

        JsonNode metadata = awaitObject(folder + "metadata.json");
        assertThat(metadata.get("query").asText()).hasSize(200).isEqualTo(query.substring(0, 200));
        assertThat(metadata.get("query_length").asInt()).isEqualTo(query.length());
        assertThat(metadata.get("response").asText().length()).isEqualTo(300);
        assertThat(metadata.get("response_length").asInt()).isGreaterThan(300);
        assertThat(metadata.get("delivery_outcome").asText()).isEqualTo("delivered");
        assertThat(metadata.get("outcome").asText()).isEqualTo("answered");

        JsonNode summary = awaitObject(folder + "summary.json");
        assertThat(summary.get("tracking_id").asText()).isEqualTo(id);
        assertThat(summary.get("answer_status").asText()).isEqualTo("answered");
        assertThat(summary.get("outcome").asText()).isEqualTo("answered");
        assertThat(summary.get("delivery_outcome").asText()).isEqualTo("delivered");
        assertThat(summary.get("delivery_attempts").asInt()).isEqualTo(1);
        assertThat(summary.has("query")).isFalse();
    }

    @Test
    void failedAgentCallIsRecordedDeliveredAndExported() throws Exception {
        String id = trackingId(post("[emulator:validation] Something the agent refuses", ALICE));
        ObjectNode record = awaitStatus(id, "delivered");
        assertThat(statuses(record)).containsExactly("queued", "processing", "failed", "delivering", "delivered");
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("ValidationException");
        assertThat(record.get("outcome").asText()).isEqualTo("failed");
        assertThat(record.hasNonNull("failed_at")).isTrue();
        assertThat(record.has("answered_at")).as("the agent answered nothing").isFalse();
        // the query.failed webhook was delivered: the status says so, the outcome that the question failed
        JsonNode view = Json.MAPPER.readTree(get(id, ALICE).body());
        assertThat(view.get("status").asText()).isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("failed");
        assertThat(view.get("failed_at").asText()).isEqualTo(record.get("failed_at").asText());
        assertThat(view.has("answered_at")).isFalse();
        assertThat(view.get("last_error").get("code").asText()).isEqualTo("ValidationException");
        JsonNode conversation = awaitObject(ConversationExport.folder(record) + "conversation.json");
        assertThat(conversation.get("outcome").asText()).isEqualTo("failed");
        assertThat(conversation.get("answer").get("status").asText()).isEqualTo("failed");
        assertThat(conversation.get("answer").get("error").get("code").asText()).isEqualTo("ValidationException");
        assertThat(conversation.get("delivery").get("outcome").asText()).isEqualTo("delivered");
        assertThat(conversation.get("timings").get("failed_at").asText()).isEqualTo(record.get("failed_at").asText());
        assertThat(conversation.get("timings").get("answered_at").isNull()).isTrue();
        assertThat(awaitObject(ConversationExport.folder(record) + "summary.json").get("outcome").asText()).isEqualTo("failed");
    }

    @Test
    void aRecordWrittenBeforeTheOutcomeReadsSensibly() throws Exception {
        // as the gateway wrote a refused question before outcome: its failure's time in answered_at
        String failed = UUID.randomUUID().toString();
        putRecord(failed, oldRecord(failed, "delivered", "failed", "2025-08-14T09:18:34.020000+00:00"));
        HttpResponse<String> response = get(failed, ALICE);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode view = Json.MAPPER.readTree(response.body());
        assertThat(view.get("status").asText()).isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("failed");
        assertThat(view.get("failed_at").asText()).isEqualTo("2025-08-14T09:18:34.020000+00:00");
        assertThat(view.has("answered_at")).isFalse();

        String answered = UUID.randomUUID().toString();
        putRecord(answered, oldRecord(answered, "delivered", "answered", "2025-08-14T09:20:00.000000+00:00"));
        JsonNode answeredView = Json.MAPPER.readTree(get(answered, ALICE).body());
        assertThat(answeredView.get("outcome").asText()).isEqualTo("answered");
        assertThat(answeredView.get("answered_at").asText()).isEqualTo("2025-08-14T09:20:00.000000+00:00");
        assertThat(answeredView.has("failed_at")).isFalse();

        String open = UUID.randomUUID().toString();
        putRecord(open, oldRecord(open, "processing", null, null));
        JsonNode openView = Json.MAPPER.readTree(get(open, ALICE).body());
        assertThat(openView.has("outcome")).isTrue();
        assertThat(openView.get("outcome").isNull()).isTrue();
    }

    @Test
    void retriedDeliveryShowsEachAttemptAndTheLastStatus() throws Exception {
        receiver.respondWith(503, 200);
        String id = trackingId(post("Retry me", ALICE));
        ObjectNode record = awaitStatus(id, "delivered");
        assertThat(statuses(record)).containsExactly("queued", "processing", "answered", "delivering", "delivering", "delivered");
        List<JsonNode> delivering = entries(record, "delivering");
        assertThat(delivering.get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(delivering.get(1).get("attempt").asInt()).isEqualTo(2);
        assertThat(delivering.get(1).get("detail").asText()).contains("HTTP 503");
        assertThat(entries(record, "delivered").get(0).get("attempt").asInt()).isEqualTo(2);
        assertThat(record.get("delivery_attempts").asInt()).isEqualTo(2);
        assertThat(record.get("last_http_status").asInt()).isEqualTo(200);
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("HTTP_503");
        assertThat(receiver.receivedCount()).isEqualTo(2);
    }

    @Test
    void refusedDeliveryIsDeadLetteredAndExportedWithItsStatus() throws Exception {
        receiver.respondWith(400);
        String id = trackingId(post("Rejected by the receiver", ALICE));
        ObjectNode record = awaitStatus(id, "dead_lettered");
        assertThat(statuses(record)).containsExactly("queued", "processing", "answered", "delivering", "dead_lettered");
        assertThat(record.get("last_http_status").asInt()).isEqualTo(400);
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("HTTP_400");
        assertThat(record.get("last_error").get("message").asText()).doesNotContain("127.0.0.1");
        JsonNode conversation = awaitObject(ConversationExport.folder(record) + "conversation.json");
        assertThat(conversation.get("delivery").get("outcome").asText()).isEqualTo("dead_lettered");
        assertThat(conversation.get("delivery").get("last_http_status").asInt()).isEqualTo(400);
        assertThat(conversation.get("answer").get("response").asText()).contains("Negotiation");
        app.drain(app.dlq("deliveries"));
    }

    @Test
    void statusEndpointAnswers404For400AndAuthLikeTheIntake() throws Exception {
        String id = trackingId(post("Whose is this?", ALICE));
        awaitStatus(id, "delivered");

        assertThat(get(id, ALICE).statusCode()).isEqualTo(200);
        assertThat(get(id.toUpperCase(), ALICE).statusCode()).as("UUIDs are case-insensitive").isEqualTo(200);

        HttpResponse<String> otherCaller = get(id, BOB);
        assertThat(otherCaller.statusCode()).as("another caller's record looks unknown").isEqualTo(404);
        assertError(otherCaller, "Unknown tracking id", id);

        String unknown = UUID.randomUUID().toString();
        HttpResponse<String> notFound = get(unknown, ALICE);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertError(notFound, "Unknown tracking id", unknown);

        HttpResponse<String> malformed = get("not-a-uuid", ALICE);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertError(malformed, "Invalid tracking id: expected a UUID", null);

        HttpResponse<String> noKey = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).GET().build());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(Json.MAPPER.readTree(noKey.body()).get("success").asBoolean()).isFalse();
        assertThat(get(id, "wrong-key").statusCode()).isEqualTo(401);

        HttpResponse<String> delete = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id))
                .header("Authorization", "Bearer " + ALICE).PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, DELETE");
    }

    // ---

    static void assertError(HttpResponse<String> response, String message, String trackingId) throws Exception {
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("success", "error", "timestamp", "tracking_id");
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").asText()).isEqualTo(message);
        if (trackingId != null) {
            assertThat(body.get("tracking_id").asText()).isEqualTo(trackingId);
        }
    }

    static ObjectNode awaitStatus(String id, String status) {
        return TrackingRouteTestSupport.awaitStatus(app, id, status);
    }

    static JsonNode awaitObject(String path) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> (found[0] = TrackingRouteTestSupport.readObject(app, path)) != null);
        return found[0];
    }

    static List<String> statuses(ObjectNode record) {
        List<String> out = new ArrayList<>();
        record.path("history").forEach(h -> out.add(h.get("status").asText()));
        return out;
    }

    static List<JsonNode> entries(ObjectNode record, String status) {
        List<JsonNode> out = new ArrayList<>();
        record.path("history").forEach(h -> {
            if (status.equals(h.get("status").asText())) {
                out.add(h);
            }
        });
        return out;
    }

    /** A record as the gateway wrote it before {@code outcome}: the agent stage's time in {@code answered_at} whatever its result. */
    static ObjectNode oldRecord(String id, String status, String result, String at) {
        ObjectNode record = Json.object().put("tracking_id", id).put("status", status).put("status_at", "2025-08-14T09:18:34.190000+00:00")
                .put("created_at", "2025-08-14T09:18:33.360478+00:00").put("updated_at", "2025-08-14T09:18:34.190000+00:00")
                .put("caller", "alice").put("source_system", "crm").put("source_process", "quarterly_review")
                .put("queued_at", "2025-08-14T09:18:33.360478+00:00").put("processing_started_at", "2025-08-14T09:18:33.612000+00:00")
                .put("agent_attempts", 1);
        if (result != null) {
            record.put("answered_at", at).put("finished_at", "2025-08-14T09:18:34.190000+00:00").put("delivery_attempts", 1)
                    .put("last_http_status", 200);
            ObjectNode message = record.putObject("delivery_message").put("message_type", "webhook_delivery").put("tracking_id", id)
                    .put("webhook_id", "msg_" + id).put("status", result).put("answered_at", at);
            if ("failed".equals(result)) {
                ObjectNode error = Json.object().put("code", "ValidationException").put("message", "the agent refused the question as invalid");
                message.set("error", error);
                record.set("last_error", error.deepCopy());
            }
        }
        record.putArray("history").addObject().put("status", "queued").put("at", "2025-08-14T09:18:33.360478+00:00")
                .putNull("attempt").putNull("detail");
        return record;
    }

    static void putRecord(String id, ObjectNode record) {
        S3Bucket bucket = app.bean("s3Bucket", S3Bucket.class);
        bucket.client().putObject(r -> r.bucket(bucket.name()).key(bucket.key("records/" + id + ".json")),
                RequestBody.fromString(Json.write(record)));
    }

    static String trackingId(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    static HttpResponse<String> get(String id, String key) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).header("Authorization", "Bearer " + key).GET().build());
    }

    static HttpResponse<String> post(String query, String key) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "quarterly_review"));
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).isEqualTo(202);
        return response;
    }
}
