package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.local.QueueProvisioner;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/** The real application against embedded ElasticMQ: what POST /webhook answers and what it queues. */
class WebhookIntakeRouteTest {

    static final String VALID = """
            {"source_process":"test_system","timestamp":"2025-08-13T06:30:00Z",
             "source_system":"external_app","query":"What is the deal status for IXIS?"}""";

    static GatewayTestApp app;
    static String requests;
    static List<String> startupLog;

    @BeforeAll
    static void start() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            // without the agent stage, so that what the intake queued stays on the queue to be read
            app = GatewayTestApp.start(Map.of("gateway.agent.stage-enabled", "false"));
            startupLog = logs.events();
        }
        requests = app.property("gateway.queue.requests");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void devProfileWithoutKeysRunsOpenAndSaysSo() {
        assertThat(startupLog).anyMatch(line -> line.startsWith("WARN") && line.contains("Authentication is OFF"));
        assertThat(startupLog).anyMatch(line -> line.startsWith("WARN") && line.contains("Admin operations are OPEN"));
    }

    @BeforeEach
    void emptyQueue() {
        app.drain(requests);
    }

    @Test
    void validRequestIsQueuedWithTheOriginalsMessageAndAttributes() throws Exception {
        String body = """
                {"source_process":"quarterly_review","timestamp":"2025-08-13T06:30:00.123+02:00",
                 "source_system":"crm","query":"What deals close this quarter? €","priority":"high",
                 "context":{"account":"IXIS","ids":[1,2]}}""";
        HttpResponse<String> response = app.postJson("/webhook", body);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        JsonNode answer = Json.MAPPER.readTree(response.body());
        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(answer.get("message").asText()).isEqualTo("Request queued for processing");
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        String trackingId = answer.get("tracking_id").asText();
        assertThat(trackingId).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(answer.get("queued_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(answer.fieldNames()).toIterable()
                .containsExactly("success", "message", "tracking_id", "queued_at", "status");

        List<Message> queued = app.drain(requests);
        assertThat(queued).hasSize(1);
        Message message = queued.get(0);
        JsonNode queuedBody = Json.MAPPER.readTree(message.body());
        assertThat(queuedBody.fieldNames()).toIterable().containsExactly(
                "message_type", "tracking_id", "webhook_request", "queued_at", "attempt", "max_attempts");
        assertThat(queuedBody.get("message_type").asText()).isEqualTo("webhook_processing_request");
        assertThat(queuedBody.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(queuedBody.get("webhook_request")).isEqualTo(Json.MAPPER.readTree(body));
        assertThat(queuedBody.get("queued_at").asText()).isEqualTo(answer.get("queued_at").asText());
        assertThat(queuedBody.get("attempt").asInt()).isEqualTo(1);
        assertThat(queuedBody.get("max_attempts").asInt()).isEqualTo(3);
        assertThat(message.messageAttributes()).containsOnlyKeys("message_type", "tracking_id", "source_system");
        assertThat(message.messageAttributes().get("message_type").stringValue()).isEqualTo("webhook_processing_request");
        assertThat(message.messageAttributes().get("tracking_id").stringValue()).isEqualTo(trackingId);
        assertThat(message.messageAttributes().get("source_system").stringValue()).isEqualTo("crm");
        assertThat(message.messageAttributes().get("source_system").dataType()).isEqualTo("String");
    }

    static Stream<Arguments> badInputs() {
        String big = "x".repeat(300_000);
        return Stream.of(
                bad("malformed JSON", "application/json", "{bad", 400, "Invalid JSON in request body"),
                bad("empty body", "application/json", "", 400, "Invalid JSON in request body"),
                bad("null", "application/json", "null", 400, "Invalid JSON in request body"),
                bad("array", "application/json", "[" + VALID + "]", 400, "Invalid JSON in request body"),
                bad("number", "application/json", "42", 400, "Invalid JSON in request body"),
                bad("string", "application/json", "\"query\"", 400, "Invalid JSON in request body"),
                bad("trailing garbage", "application/json", VALID + " x", 400, "Invalid JSON in request body"),
                bad("two objects", "application/json", VALID + VALID, 400, "Invalid JSON in request body"),
                bad("deep nesting", "application/json", "{\"a\":".repeat(200) + "1" + "}".repeat(200), 400,
                        "Invalid JSON in request body"),
                bad("empty object", "application/json", "{}", 400,
                        "Missing required fields: query, timestamp, source_system, source_process"),
                bad("two missing, original order", "application/json",
                        "{\"source_process\":\"p\",\"query\":\"q\"}", 400, "Missing required fields: timestamp, source_system"),
                bad("null and empty count as missing", "application/json",
                        "{\"query\":null,\"timestamp\":\"\",\"source_system\":\"s\",\"source_process\":\"p\"}", 400,
                        "Missing required fields: query, timestamp"),
                bad("numeric query", "application/json", VALID.replace("\"What is the deal status for IXIS?\"", "42"), 400,
                        "Field 'query' must be a string"),
                bad("object source_system", "application/json", VALID.replace("\"external_app\"", "{\"a\":1}"), 400,
                        "Field 'source_system' must be a string"),
                bad("numeric timestamp", "application/json", VALID.replace("\"2025-08-13T06:30:00Z\"", "1692000000"), 400,
                        "Field 'timestamp' must be a string"),
                bad("blank query", "application/json", VALID.replace("What is the deal status for IXIS?", "  \\t\\n "), 400,
                        "Query cannot be empty"),
                bad("words for a timestamp", "application/json", VALID.replace("2025-08-13T06:30:00Z", "yesterday"), 400,
                        "Invalid timestamp format. Expected ISO format (YYYY-MM-DDTHH:MM:SSZ)"),
                bad("month 13", "application/json", VALID.replace("2025-08-13T06:30:00Z", "2025-13-01T00:00:00Z"), 400,
                        "Invalid timestamp format. Expected ISO format (YYYY-MM-DDTHH:MM:SSZ)"),
                bad("hour 25", "application/json", VALID.replace("2025-08-13T06:30:00Z", "2025-08-13T25:00:00Z"), 400,
                        "Invalid timestamp format. Expected ISO format (YYYY-MM-DDTHH:MM:SSZ)"),
                bad("day-first date", "application/json", VALID.replace("2025-08-13T06:30:00Z", "13/08/2025 06:30"), 400,
                        "Invalid timestamp format. Expected ISO format (YYYY-MM-DDTHH:MM:SSZ)"),
                bad("text/plain", "text/plain", VALID, 415, "Unsupported media type: Content-Type must be application/json"),
                bad("form", "application/x-www-form-urlencoded", VALID, 415,
                        "Unsupported media type: Content-Type must be application/json"),
                bad("latin-1 charset", "application/json; charset=ISO-8859-1", VALID, 415,
                        "Unsupported charset: request body must be UTF-8"),
                bad("body over MAX_BODY_BYTES", "application/json", big, 413, "Request body too large (limit 262144 bytes)"),
                bad("huge field", "application/json", VALID.replace("What is the deal status for IXIS?", big), 413,
                        "Request body too large (limit 262144 bytes)"));
    }

    static Arguments bad(String name, String contentType, String body, int status, String error) {
        return Arguments.of(name, contentType, body.getBytes(StandardCharsets.UTF_8), status, error);
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("badInputs")
    void badInputGetsAClearJsonErrorAndQueuesNothing(String name, String contentType, byte[] body, int status,
                                                     String error) throws Exception {
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertErrorBody(response, status, error);
        assertThat(app.depth(requests)).as("nothing queued").isZero();
    }

    @Test
    void invalidUtf8IsInvalidJson() throws Exception {
        byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[body.length + 2];
        System.arraycopy(body, 0, broken, 0, body.length - 2);
        broken[body.length - 2] = (byte) 0xC3; // a lead byte with no continuation
        broken[body.length - 1] = (byte) 0x28;
        broken[body.length] = '"';
        broken[body.length + 1] = '}';
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(broken)).build());
        assertErrorBody(response, 400, "Invalid JSON in request body");
        assertThat(app.depth(requests)).isZero();
    }

    @Test
    void otherMethodsGet405AndPreflightIsAnswered() throws Exception {
        // GET lists the caller's questions (QuestionListRouteTest)
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                    .method(method, HttpRequest.BodyPublishers.ofString(VALID)).header("Content-Type", "application/json").build());
            assertErrorBody(response, 405, "Method not allowed: use POST (or GET to list)");
            assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST, OPTIONS");
        }
        HttpResponse<String> preflight = app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example").build());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, OPTIONS");
        assertThat(app.depth(requests)).isZero();
    }

    @Test
    void queueThatCannotBeWrittenGets503AndTheCallerMayRetry() throws Exception {
        String url = app.queueUrl(requests);
        app.sqs().deleteQueue(r -> r.queueUrl(url));
        try {
            HttpResponse<String> response = app.postJson("/webhook", VALID);
            assertErrorBody(response, 503, "Service temporarily unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        } finally {
            new QueueProvisioner(app.sqs()).ensureQueueWithDeadLetterQueue(requests, app.dlq("requests"), 5, 60);
        }
        assertThat(app.postJson("/webhook", VALID).statusCode()).isEqualTo(202);
    }

    @Test
    void healthAndMetricsOnTheManagementPort() throws Exception {
        assertThat(app.get(app.managementUrl("/observe/health/live")).statusCode()).isEqualTo(200);
        // another test deletes and re-creates the queue: readiness follows SQS, so give it a moment
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> ready = app.get(app.managementUrl("/observe/health/ready?exposureLevel=full"));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("UP");
        });
        app.postJson("/webhook", VALID);
        HttpResponse<String> metrics = app.get(app.managementUrl("/observe/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges_total").contains("routeId=\"webhook-intake\"");
        assertThat(app.get(app.url("/observe/health")).statusCode()).as("not on the public port").isEqualTo(404);
    }

    static void assertErrorBody(HttpResponse<String> response, int status, String error) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("success", "error", "timestamp", "tracking_id");
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("tracking_id").asText()).hasSize(36);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at com.").doesNotContain("jackson");
    }
}
