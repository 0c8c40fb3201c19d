package routes;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.delivery.WebhookSigner;
import gateway.json.Json;
import gateway.security.AdminAuthenticator;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security suite on the real application (dev profile, embedded SQS and S3) with API keys (from a
 * mounted file), an inbound signing secret, an admin token and a webhook signing secret configured:
 * authentication, signatures, idempotency, limits, a fuzz run, and a scan of everything logged for the
 * secrets. Rate limiting has its own application ({@link RateLimitRouteTest}).
 */
class IntakeSecurityTest {

    static final String CRM_KEY = "crm-7f3a9c1e5b2d4f60a8e1";
    static final String ZAPIER_KEY = "zap-0d9e8c7b6a5f4e3d2c1b";
    static final String INBOUND_SECRET = WebhookSigner.generateSecret();
    static final String ADMIN_TOKEN = "admin-4c1d2e3f4a5b6c7d8e9f";
    static final String WEBHOOK_SECRET = WebhookSigner.generateSecret();
    static final String VALID = WebhookIntakeRouteTest.VALID;

    static LogCapture logs;
    static GatewayTestApp app;
    static String requests;
    static final List<String> answers = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        Path keysFile = Files.createTempFile("gateway-api-keys", ".txt");
        Files.writeString(keysFile, "# callers\ncrm:" + CRM_KEY + "\nzapier:" + ZAPIER_KEY + "\n");
        keysFile.toFile().deleteOnExit();
        logs = LogCapture.start();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("gateway.api-keys.file", keysFile.toString());
        overrides.put("gateway.inbound-signing.secret", INBOUND_SECRET);
        overrides.put("gateway.admin.token", ADMIN_TOKEN);
        overrides.put("gateway.webhook.signing.secret", WEBHOOK_SECRET);
        overrides.put("gateway.rate-limit.per-minute", "6000000");
        overrides.put("gateway.rate-limit.burst", "100000");
        overrides.put("gateway.agent.stage-enabled", "false"); // what was queued stays there to be checked
        app = GatewayTestApp.start(overrides);
        requests = app.property("gateway.queue.requests");
    }

    @AfterAll
    static void stop() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (logs != null) {
                logs.close();
            }
        }
    }

    @BeforeEach
    void emptyQueue() {
        app.drain(requests);
    }

    // ---------------------------------------------------------------- authentication

    static Stream<Arguments> credentials() {
        return Stream.of(
                Arguments.of("no key", Map.of(), 401, "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"),
                Arguments.of("wrong Bearer key", Map.of("Authorization", "Bearer " + CRM_KEY + "x"), 401, "Invalid API key"),
                Arguments.of("wrong X-API-Key", Map.of("X-API-Key", "not-a-key-0123456789"), 401, "Invalid API key"),
                Arguments.of("key prefix", Map.of("Authorization", "Bearer " + CRM_KEY.substring(0, 10)), 401, "Invalid API key"),
                Arguments.of("Authorization without Bearer", Map.of("Authorization", CRM_KEY), 401,
                        "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"),
                Arguments.of("Basic scheme", Map.of("Authorization", "Basic " + CRM_KEY), 401,
                        "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"),
                Arguments.of("X-Api-Token header", Map.of("X-Api-Token", CRM_KEY), 401,
                        "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"),
                Arguments.of("wrong Bearer wins over a good X-API-Key",
                        Map.of("Authorization", "Bearer wrong-key-0123456789", "X-API-Key", CRM_KEY), 401, "Invalid API key"),
                Arguments.of("Bearer", Map.of("Authorization", "Bearer " + CRM_KEY), 202, "crm"),
                Arguments.of("bearer, lower case", Map.of("Authorization", "bearer " + ZAPIER_KEY), 202, "zapier"),
                Arguments.of("X-API-Key", Map.of("X-API-Key", ZAPIER_KEY), 202, "zapier"),
                Arguments.of("x-api-key, lower case", Map.of("x-api-key", CRM_KEY), 202, "crm"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("credentials")
    void credentialsTable(String name, Map<String, String> headers, int status, String errorOrCaller) throws Exception {
        HttpResponse<String> response = post(VALID, headers);
        if (status == 202) {
            assertThat(response.statusCode()).isEqualTo(202);
            String trackingId = Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
            List<Message> queued = app.drain(requests);
            assertThat(queued).hasSize(1);
            JsonNode message = Json.MAPPER.readTree(queued.get(0).body());
            assertThat(message.fieldNames()).toIterable().containsExactly(
                    "message_type", "tracking_id", "webhook_request", "queued_at", "attempt", "max_attempts", "caller");
            assertThat(message.get("caller").asText()).isEqualTo(errorOrCaller);
            assertThat(message.get("tracking_id").asText()).isEqualTo(trackingId);
            assertThat(queued.get(0).messageAttributes()).containsOnlyKeys("message_type", "tracking_id", "source_system", "caller");
            assertThat(queued.get(0).messageAttributes().get("caller").stringValue()).isEqualTo(errorOrCaller);
        } else {
            assertError(response, status, errorOrCaller);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(app.depth(requests)).isZero();
        }
    }

    /** Query strings that carry a key: platform-http copies query parameters into the message headers. */
    static Stream<String> keysInTheQuery() {
        return Stream.of("X-API-Key=" + CRM_KEY, "x-api-key=" + CRM_KEY, "Authorization=Bearer%20" + CRM_KEY,
                "authorization=Bearer+" + ZAPIER_KEY, "X%2DAPI%2DKey=" + CRM_KEY, "api_key=" + CRM_KEY, "apikey=" + CRM_KEY,
                "token=" + CRM_KEY, "access_token=" + CRM_KEY, "a=1&X-API-Key=" + CRM_KEY, "X-API-Key=" + CRM_KEY + "&X-API-Key=x",
                "webhook-id=msg_q&webhook-timestamp=1&webhook-signature=v1,AAAA");
    }

    @ParameterizedTest(name = "?{0}")
    @MethodSource("keysInTheQuery")
    void aKeyInTheQueryStringNeverAuthenticatesAndTheAnswerSaysToUseAHeader(String query) throws Exception {
        HttpResponse<String> alone = app.send(HttpRequest.newBuilder(app.url("/webhook?" + query))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(VALID)).build());
        assertError(alone, 401, KEY_IN_QUERY);
        assertThat(alone.body()).doesNotContain(CRM_KEY).doesNotContain(ZAPIER_KEY);
        // not even beside a valid header: the key in the URL is refused, so the caller hears of it
        HttpResponse<String> withHeader = app.send(HttpRequest.newBuilder(app.url("/webhook?" + query))
                .header("Content-Type", "application/json").header("X-API-Key", ZAPIER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(VALID)).build());
        assertError(withHeader, 401, KEY_IN_QUERY);
        assertThat(app.depth(requests)).isZero();
        // the status lookup reads credentials the same way
        HttpResponse<String> lookup = app.send(HttpRequest.newBuilder(
                app.url("/webhook/3f0c9a52-8d0e-4c8e-9a47-1d2b3c4d5e6f?" + query)).GET().build());
        assertError(lookup, 401, KEY_IN_QUERY);
    }

    static final String KEY_IN_QUERY = "Credentials are read from headers only, never from the URL: send 'Authorization: "
            + "Bearer <key>' or 'X-API-Key: <key>' (a key that was in a URL may sit in access logs: consider rotating it)";

    @Test
    void anUnrelatedQueryParameterIsNoCredential() throws Exception {
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook?source=crm&keyword=x"))
                .header("Content-Type", "application/json").header("X-API-Key", CRM_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(VALID)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(app.drain(requests)).hasSize(1);
    }

    @Test
    void authenticationComesBeforeTheBodyIsRead() throws Exception {
        assertError(post("{broken", Map.of()), 401, RequestAuthenticatorMessages.MISSING);
        assertError(send("text/plain", "hello".getBytes(StandardCharsets.UTF_8), Map.of()), 401, RequestAuthenticatorMessages.MISSING);
        assertError(post("{broken", Map.of("X-API-Key", CRM_KEY)), 400, "Invalid JSON in request body");
    }

    // ---------------------------------------------------------------- signed requests

    static Map<String, String> signed(String secret, String id, long timestamp, String body) {
        return new WebhookSigner(secret).headers(id, timestamp, body);
    }

    @Test
    void signedRequestsGoodBadStaleReplayedIncomplete() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, String> good = signed(INBOUND_SECRET, "msg_good_1", now, VALID);
        HttpResponse<String> accepted = post(VALID, good);
        assertThat(accepted.statusCode()).isEqualTo(202);
        List<Message> queued = app.drain(requests);
        assertThat(queued).hasSize(1);
        assertThat(Json.MAPPER.readTree(queued.get(0).body()).get("caller").asText()).isEqualTo("signed");

        assertError(post(VALID, good), 401, "Webhook already received (replayed webhook-id)");
        assertError(post(VALID, signed(WebhookSigner.generateSecret(), "msg_bad_1", now, VALID)), 401, "Invalid webhook signature");
        assertError(post(VALID.replace("IXIS", "IXIT"), signed(INBOUND_SECRET, "msg_bad_2", now, VALID)), 401,
                "Invalid webhook signature");
        assertError(post(VALID, signed(INBOUND_SECRET, "msg_stale", now - 600, VALID)), 401,
                "Webhook timestamp outside the allowed tolerance");
        assertError(post(VALID, signed(INBOUND_SECRET, "msg_future", now + 600, VALID)), 401,
                "Webhook timestamp outside the allowed tolerance");
        assertError(post(VALID, Map.of("webhook-signature", good.get("webhook-signature"))), 401,
                "Invalid webhook signature: webhook-id, webhook-timestamp and webhook-signature are all required");
        Map<String, String> signedJunk = signed(INBOUND_SECRET, "msg_junk", now, "{junk");
        assertError(post("{junk", signedJunk), 400, "Invalid JSON in request body");
        assertThat(app.depth(requests)).isZero();
    }

    @Test
    void aSignedRequestThatGot503MayBeRetriedWithTheSameId() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = signed(INBOUND_SECRET, "msg_retry_1", now, VALID);
        String url = app.queueUrl(requests);
        app.sqs().deleteQueue(r -> r.queueUrl(url));
        try {
            assertError(post(VALID, headers), 503, "Service temporarily unavailable");
        } finally {
            new QueueProvisioner(app.sqs()).ensureQueueWithDeadLetterQueue(requests, app.dlq("requests"), 5, 60);
        }
        assertThat(post(VALID, headers).statusCode()).isEqualTo(202);
        assertError(post(VALID, headers), 401, "Webhook already received (replayed webhook-id)");
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void aRepeatedIdempotencyKeyGetsTheFirstTrackingIdAndQueuesNothing() throws Exception {
        Map<String, String> headers = Map.of("X-API-Key", CRM_KEY, "Idempotency-Key", "order-1001");
        HttpResponse<String> first = post(VALID, headers);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode firstBody = Json.MAPPER.readTree(first.body());

        HttpResponse<String> repeat = post(VALID, headers);
        assertThat(repeat.statusCode()).isEqualTo(202);
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        JsonNode repeatBody = Json.MAPPER.readTree(repeat.body());
        assertThat(repeatBody.fieldNames()).toIterable().containsExactly("success", "message", "tracking_id", "queued_at", "status");
        assertThat(repeatBody).isEqualTo(firstBody);

        List<Message> queued = app.drain(requests);
        assertThat(queued).as("one agent run").hasSize(1);
        assertThat(Json.MAPPER.readTree(queued.get(0).body()).get("tracking_id").asText()).isEqualTo(firstBody.get("tracking_id").asText());

        HttpResponse<String> otherCaller = post(VALID, Map.of("X-API-Key", ZAPIER_KEY, "Idempotency-Key", "order-1001"));
        assertThat(otherCaller.statusCode()).as("keys are per caller").isEqualTo(202);
        assertThat(Json.MAPPER.readTree(otherCaller.body()).get("tracking_id").asText()).isNotEqualTo(firstBody.get("tracking_id").asText());
        assertThat(app.drain(requests)).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs409() throws Exception {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + CRM_KEY, "Idempotency-Key", "order-2002");
        assertThat(post(VALID, headers).statusCode()).isEqualTo(202);
        assertError(post(VALID.replace("IXIS", "ACME"), headers), 409, "Idempotency-Key already used with a different request body");
        assertThat(app.drain(requests)).hasSize(1);
    }

    @Test
    void aMalformedKeyIs400() throws Exception {
        assertError(post(VALID, Map.of("X-API-Key", CRM_KEY, "Idempotency-Key", "two words")), 400,
                "Invalid Idempotency-Key: 1 to 255 visible ASCII characters");
        assertError(post(VALID, Map.of("X-API-Key", CRM_KEY, "Idempotency-Key", "k".repeat(256))), 400,
                "Invalid Idempotency-Key: 1 to 255 visible ASCII characters");
        assertThat(app.depth(requests)).isZero();
    }

    @Test
    void aStoreOutageIs503AndQueuesNothing() throws Exception {
        S3Client s3 = app.context().getRegistry().lookupByNameAndType("s3Client", S3Client.class);
        String bucket = app.property("gateway.s3.bucket");
        // tracking records of earlier requests are written asynchronously: one may land between the
        // emptying and the delete, so empty and delete until the bucket is gone (a generous deadline: the
        // writes come later on a busy machine)
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                    .forEach(o -> s3.deleteObject(r -> r.bucket(bucket).key(o.key())));
            try {
                s3.deleteBucket(r -> r.bucket(bucket));
                break;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception notEmpty) {
                if (notEmpty.statusCode() != 409 || System.nanoTime() - deadline > 0) {
                    throw notEmpty;
                }
                Thread.sleep(50);
            }
        }
        try {
            HttpResponse<String> response = post(VALID, Map.of("X-API-Key", CRM_KEY, "Idempotency-Key", "order-3003"));
            assertError(response, 503, "Service temporarily unavailable");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(app.depth(requests)).isZero();
            assertThat(post(VALID, Map.of("X-API-Key", CRM_KEY)).statusCode()).as("without a key the store is not needed")
                    .isEqualTo(202);
        } finally {
            recreateBucket(s3, bucket);
        }
        assertThat(post(VALID, Map.of("X-API-Key", CRM_KEY, "Idempotency-Key", "order-3003")).statusCode()).isEqualTo(202);
    }

    /**
     * The bucket back for the tests that follow, however long a busy machine takes: on a loaded 2-core run the
     * embedded S3Proxy once broke the connection of all four of the SDK's attempts (Broken pipe), and every later
     * Idempotency-Key test then met the outage this test had made.
     */
    private static void recreateBucket(S3Client s3, String bucket) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                s3.createBucket(r -> r.bucket(bucket));
                return;
            } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                     | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException exists) {
                return;
            } catch (software.amazon.awssdk.core.exception.SdkClientException broken) {
                if (System.nanoTime() - deadline > 0) {
                    throw broken;
                }
                Thread.sleep(200);
            }
        }
    }

    // ---------------------------------------------------------------- limits

    static String nested(int depth) {
        // the request object is level 1, so `depth - 1` more levels in the context field
        return VALID.substring(0, VALID.length() - 1) + ",\"context\":" + "{\"a\":".repeat(depth - 2) + "{}" + "}".repeat(depth - 2) + "}";
    }

    static String withFields(int extra) {
        StringBuilder body = new StringBuilder(VALID.substring(0, VALID.length() - 1));
        for (int i = 0; i < extra; i++) {
            body.append(",\"f").append(i).append("\":").append(i);
        }
        return body.append('}').toString();
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("depth 20", nested(20), 202, null),
                Arguments.of("depth 21", nested(21), 400, "JSON nested too deeply (limit 20 levels)"),
                Arguments.of("depth 60", nested(60), 400, "JSON nested too deeply (limit 20 levels)"),
                Arguments.of("200 fields", withFields(196), 202, null),
                Arguments.of("201 fields", withFields(197), 400, "Too many JSON fields (limit 200)"),
                Arguments.of("query of 20000 characters", VALID.replace("What is the deal status for IXIS?", "q".repeat(20_000)), 202, null),
                Arguments.of("query of 20001 characters", VALID.replace("What is the deal status for IXIS?", "q".repeat(20_001)), 413,
                        "Query too long (limit 20000 characters)"),
                Arguments.of("body over MAX_BODY_BYTES", VALID.replace("IXIS", "x".repeat(300_000)), 413,
                        "Request body too large (limit 262144 bytes)"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("limits")
    void limitsTable(String name, String body, int status, String error) throws Exception {
        HttpResponse<String> response = post(body, Map.of("X-API-Key", CRM_KEY));
        if (status == 202) {
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(app.drain(requests)).hasSize(1);
        } else {
            assertError(response, status, error);
            assertThat(app.depth(requests)).isZero();
        }
    }

    @Test
    void theAdminTokenIsWiredFromItsSetting() {
        AdminAuthenticator admin = app.context().getRegistry().lookupByNameAndType("adminAuthenticator", AdminAuthenticator.class);
        assertThat(admin.check("Bearer " + ADMIN_TOKEN)).isEqualTo(AdminAuthenticator.Decision.ALLOWED);
        assertThat(admin.check("Bearer " + CRM_KEY)).isEqualTo(AdminAuthenticator.Decision.WRONG_TOKEN);
    }

    // ---------------------------------------------------------------- fuzz

    @Test
    void fuzzOfAThousandHostileRequestsGetsOnly4xxJsonErrorsAndQueuesNothing() throws Exception {
        IntakeFuzzer fuzzer = new IntakeFuzzer(20250813L, VALID, CRM_KEY);
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        int sent = 0;
        int refusedByClient = 0;
        long started = System.nanoTime();
        while (sent < 1000) {
            IntakeFuzzer.Case fuzz = fuzzer.next();
            HttpRequest request;
            try {
                request = fuzz.request(app.url("/webhook"));
            } catch (IllegalArgumentException e) {
                refusedByClient++; // e.g. CR/LF in a header value: java.net.http will not send it
                continue;
            }
            HttpResponse<String> response = app.send(request);
            sent++;
            answers.add(response.body());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            assertThat(response.statusCode()).as(fuzz.describe()).isBetween(400, 499);
            assertThat(response.headers().firstValue("Content-Type")).as(fuzz.describe()).hasValue("application/json");
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertThat(body.get("success").asBoolean()).as(fuzz.describe()).isFalse();
            assertThat(body.get("error").asText()).as(fuzz.describe()).isNotBlank();
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("jackson");
            if (sent % 100 == 0) {
                assertThat(app.depth(requests)).as("nothing queued after %d requests", sent).isZero();
            }
        }
        long fuzzMillis = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        List<Integer> rawStatuses = new ArrayList<>();
        for (byte[] raw : IntakeFuzzer.rawRequests(CRM_KEY, VALID)) {
            int status = sendRaw(raw);
            rawStatuses.add(status);
            assertThat(status).as(new String(raw, StandardCharsets.ISO_8859_1)).satisfiesAnyOf(
                    s -> assertThat(s).isBetween(400, 499), s -> assertThat(s).isEqualTo(-1));
        }
        System.out.println("fuzz: " + sent + " requests in " + fuzzMillis + " ms, statuses " + statuses + ", " + refusedByClient
                + " refused by the HTTP client; raw requests " + rawStatuses + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(statuses.keySet()).contains(400, 401, 405, 413, 415);
        assertThat(app.depth(requests)).isZero();
        assertThat(app.get(app.managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);
        assertThat(post(VALID, Map.of("X-API-Key", CRM_KEY)).statusCode()).as("still serving").isEqualTo(202);
    }

    /** Sends raw bytes; the status of the answer, or -1 when the server closed the connection without one. */
    int sendRaw(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.httpPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void noConfiguredSecretAppearsInLogsMetricsOrAnswers() throws Exception {
        // exercise the paths that log: accepted, rejected, wrong key, signed, replayed
        post(VALID, Map.of("X-API-Key", CRM_KEY));
        post(VALID, Map.of("Authorization", "Bearer " + ZAPIER_KEY + "-wrong"));
        post(VALID, signed(INBOUND_SECRET, "msg_secret_scan", Instant.now().getEpochSecond(), VALID));
        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        String logged = logs.text();
        assertThat(logged).as("the capture works").contains("Authentication: 2 API key(s) for callers [crm, zapier]");
        for (String secret : secrets()) {
            assertThat(logged).as("logs").doesNotContain(secret);
            assertThat(metrics).as("metrics").doesNotContain(secret);
            synchronized (answers) {
                assertThat(answers).as("answers").noneMatch(a -> a != null && a.contains(secret));
            }
        }
    }

    static List<String> secrets() {
        return List.of(CRM_KEY, ZAPIER_KEY, INBOUND_SECRET, INBOUND_SECRET.substring("whsec_".length()), ADMIN_TOKEN,
                WEBHOOK_SECRET, WEBHOOK_SECRET.substring("whsec_".length()));
    }

    // ---------------------------------------------------------------- helpers

    static HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        return send("application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static HttpResponse<String> send(String contentType, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response = app.send(request.build());
        answers.add(response.body());
        return response;
    }

    static void assertError(HttpResponse<String> response, int status, String error) throws Exception {
        WebhookIntakeRouteTest.assertErrorBody(response, status, error);
    }

    /** The 401 messages, as the caller sees them. */
    static final class RequestAuthenticatorMessages {
        static final String MISSING = "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
    }
}
