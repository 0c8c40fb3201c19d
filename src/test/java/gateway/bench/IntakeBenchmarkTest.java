package gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.bench.BenchmarkReport.Level;
import gateway.bench.ClosedLoopLoad.Result;
import gateway.intake.RequestQueueMessage;
import gateway.intake.TrackingIds;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.s3.S3Bucket;
import gateway.testing.GatewayTestApp;
import gateway.tracking.StageEvent;
import gateway.tracking.TrackingRecord;
import gateway.tracking.TrackingStatus;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intake benchmark ({@code mvn -B -Pbenchmark verify}, see docs/benchmark.md): the real application,
 * in-process on loopback with its embedded ElasticMQ, driven with 1, 8, 32 and 128 closed-loop clients.
 * At each level, taking turns in {@code bench.rounds} slices of the window on the same machine:
 * <ul>
 *   <li>{@code noop}: baseline (b), POST to a test-only {@code platform-http:/bench/noop} route added to the
 *       running app (same Vert.x server) that answers 202 without work;</li>
 *   <li>{@code sqs}: baseline (a), {@code SendMessage} of an equivalent message (same body, same three
 *       attributes) through the app's own {@code sqsClient} bean to the same ElasticMQ queue;</li>
 *   <li>{@code sqs+record}: baseline (c), the external calls the intake makes for one request, made bare:
 *       that {@code SendMessage} plus a {@code PutObject} of the request's tracking record (as the record
 *       writers write it) through the app's own {@code s3Client} to the same embedded S3;</li>
 *   <li>{@code gateway}: {@code POST /webhook} with a valid request.</li>
 * </ul>
 * It asserts only sanity (every answer was the expected one, every 202 is a message on the queue),
 * never speed: figures and ratios go to the console table and to {@code target/benchmark/intake.json}.
 * Settings (system properties): {@code bench.seconds} (5), {@code bench.warmup.seconds} (2, before the
 * first slice of each scenario at each level), {@code bench.rounds} (5),
 * {@code bench.clients} (1,8,32,128), {@code bench.max.requests} per run (2,000,000), and
 * {@code bench.app.<key>=<value>} to start the app with the property {@code <key>} overridden.
 */
@Tag("benchmark")
class IntakeBenchmarkTest {

    static final String REQUEST = """
            {"source_process":"quarterly_review","timestamp":"2025-08-13T06:30:00Z",
             "source_system":"crm","query":"What is the deal status for IXIS this quarter?"}""";

    /** Unrecorded time at the start of every slice after the first, for the clients to get going. */
    static final Duration SETTLE = Duration.ofMillis(200);

    @Test
    void intakeAgainstBaselines() throws Exception {
        Duration window = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("bench.seconds", "5")) * 1000));
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("bench.warmup.seconds", "2")) * 1000));
        int[] levels = Arrays.stream(System.getProperty("bench.clients", "1,8,32,128").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "5"));
        long maxRequests = Long.parseLong(System.getProperty("bench.max.requests", "2000000"));
        Path out = Path.of(System.getProperty("bench.output", "target/benchmark"));

        Map<String, String> overrides = new java.util.TreeMap<>();
        // the intake alone: the later stages would take the messages this benchmark counts on the queue
        overrides.put("gateway.agent.stage-enabled", "false");
        overrides.put("gateway.delivery.stage-enabled", "false");
        // one load driver is one client IP: the per-caller rate limit would answer most requests 429
        overrides.put("gateway.rate-limit.per-minute", "0");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.app."))
                .forEach(k -> overrides.put(k.substring("bench.app.".length()), System.getProperty(k)));

        try (GatewayTestApp app = GatewayTestApp.start(overrides)) {
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/bench/noop").routeId("bench-noop")
                            .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                            .setBody(constant(""));
                }
            });
            String queue = app.property("gateway.queue.requests");
            String queueUrl = app.queueUrl(queue);
            SqsClient sqs = app.sqs();
            SendMessageRequest send = equivalentSendMessage(queueUrl);

            Scenario noop = clients -> http(app.url("/bench/noop"), clients);
            Scenario sqsBaseline = clients -> () -> sqs.sendMessage(once(send)).messageId() != null;
            Scenario gateway = clients -> http(app.url("/webhook"), clients);
            S3Bucket bucket = app.context().getRegistry().lookupByNameAndType("s3Bucket", S3Bucket.class);
            String record = queuedRecord(send.messageBody());
            Scenario sqsRecord = clients -> () -> {
                boolean sent = sqs.sendMessage(once(send)).messageId() != null;
                bucket.client().putObject(r -> r.bucket(bucket.name()).key(bucket.key("bench/records/" + UUID.randomUUID() + ".json"))
                        .contentType("application/json"), RequestBody.fromString(record));
                return sent;
            };

            // JIT warm-up of all three paths before anything is measured, until the compiler has settled
            double jitWarmup = JitWarmup.untilSettled(() -> {
                for (Scenario scenario : List.of(noop, sqsBaseline, sqsRecord, gateway)) {
                    purge(app, queueUrl);
                    ClosedLoopLoad.run("warmup", 16, Duration.ZERO, Duration.ofSeconds(2), maxRequests, scenario.call(16));
                }
            }, 0.05, Duration.ofSeconds(60));
            System.out.printf("JIT warm-up: %.0f s%n", jitWarmup);

            BenchmarkReport report = new BenchmarkReport(warmup, window, rounds, overrides);
            for (int clients : levels) {
                // the three scenarios take turns in short slices, so a change in the machine's other load
                // during the level weighs on all three alike
                Map<String, ClosedLoopLoad.Call> calls = new java.util.LinkedHashMap<>();
                calls.put("noop", noop.call(clients));
                calls.put("sqs", sqsBaseline.call(clients));
                calls.put("sqs+record", sqsRecord.call(clients));
                calls.put("gateway", gateway.call(clients));
                Map<String, Result> results = new java.util.HashMap<>();
                Duration slice = window.dividedBy(rounds);
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, ClosedLoopLoad.Call> scenario : calls.entrySet()) {
                        purge(app, queueUrl);
                        Result r = ClosedLoopLoad.run(scenario.getKey(), clients, round == 0 ? warmup : SETTLE, slice,
                                maxRequests, scenario.getValue());
                        if (!scenario.getKey().equals("noop")) {
                            assertThat(app.depth(queue)).as("every success of %s is a message on the queue", scenario.getKey())
                                    .isEqualTo(r.totalSucceeded());
                        }
                        results.merge(scenario.getKey(), r, Result::merge);
                    }
                }
                purge(app, queueUrl);
                report.add(new Level(clients, results.get("gateway"), results.get("sqs"), results.get("noop"), results.get("sqs+record")));
                System.out.print(report.table());
            }
            report.write(out);
            System.out.print(report.table());

            for (Level level : report.levels()) {
                for (Result r : List.of(level.gateway(), level.sqs(), level.noop(), level.sqsRecord())) {
                    assertThat(r.failures()).as("%s at %d clients: every answer as expected (first failure: %s)",
                            r.scenario(), r.clients(), r.firstFailure()).isZero();
                    assertThat(r.requests()).as("%s at %d clients answered", r.scenario(), r.clients()).isPositive();
                }
            }
        }
    }

    /** A scenario makes the call its clients repeat, given how many clients there are. */
    @FunctionalInterface
    interface Scenario {
        ClosedLoopLoad.Call call(int clients);
    }

    /** POST of the request with a fresh HTTP/1.1 client (keep-alive, one connection per client thread). */
    static ClosedLoopLoad.Call http(URI uri, int clients) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
                .build();
        return () -> client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
    }

    /**
     * The send as one more message: to a FIFO queue (the requests queue) with the group the gateway would give a
     * request without a session (its tracking id) and a deduplication id of its own, so repeats are not dropped.
     */
    static SendMessageRequest once(SendMessageRequest send) {
        if (!send.queueUrl().endsWith(".fifo")) {
            return send;
        }
        MessageAttributeValue trackingId = send.messageAttributes().get("tracking_id");
        return send.toBuilder().messageGroupId(trackingId == null ? "bench" : trackingId.stringValue())
                .messageDeduplicationId(UUID.randomUUID().toString()).build();
    }

    /** What the gateway would queue for {@link #REQUEST}: the same body shape and the same three attributes. */
    static SendMessageRequest equivalentSendMessage(String queueUrl) throws Exception {
        String trackingId = TrackingIds.newId();
        ObjectNode request = (ObjectNode) Json.MAPPER.readTree(REQUEST);
        String body = new RequestQueueMessage(262_144).build(request, trackingId, Timestamps.nowUtc(), null);
        return SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(Map.of(
                        "message_type", string(RequestQueueMessage.MESSAGE_TYPE),
                        "tracking_id", string(trackingId),
                        "source_system", string("crm")))
                .build();
    }

    /** The tracking record the intake writes for this queue message (status "queued"), as JSON. */
    static String queuedRecord(String queueMessage) throws Exception {
        ObjectNode message = (ObjectNode) Json.MAPPER.readTree(queueMessage);
        String id = message.path("tracking_id").asText(TrackingIds.newId());
        ObjectNode record = TrackingRecord.apply(null, id, new StageEvent(TrackingStatus.QUEUED, Timestamps.nowUtc(), null, null, r -> {
            r.put("queued_at", Timestamps.nowUtc());
            r.set("request", message.get("webhook_request"));
        }));
        return Json.write(record);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static void purge(GatewayTestApp app, String queueUrl) {
        app.sqs().purgeQueue(r -> r.queueUrl(queueUrl));
    }
}
