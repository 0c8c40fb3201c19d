package ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.local.EmbeddedSqsServer;
import gateway.local.LocalReceiver;
import gateway.testing.ChildGatewayEnv;
import gateway.testing.EmbeddedS3;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * SIGKILL during the release of parked deliveries loses nothing. SQS (ElasticMQ), S3 (S3Proxy) and the receiver live in
 * this test's JVM; the gateway is the fat jar in a child process. Its receiver is down: the endpoint ({@code WEBHOOK_URL})
 * pauses and all N answers are parked in S3. The receiver comes back, the release starts (2 a second), and the process is
 * killed part-way. A second process on the same queues and store takes over once the first one's release lease runs out:
 * every answer arrives, the ones sent twice with the same webhook-id (at least once), in the order their answers were
 * made; nothing parked is left, nothing is dead-lettered, the endpoint is healthy. The child's log is in
 * {@code target/parked-crash-it/}.
 */
class ParkedReleaseCrashIT {

    static final int N = 12;
    static final Path JAR = Path.of("target", "ai-webhook-gateway.jar");
    static final Path OUT = Path.of("target", "parked-crash-it");
    static final String BUCKET = "ai-webhook-gateway";
    static final Duration READY_WITHIN = Duration.ofSeconds(120);
    static final Duration WITHIN = Duration.ofSeconds(150);
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> children = new ArrayList<>();
    private EmbeddedSqsServer sqsServer;
    private SqsClient sqs;
    private EmbeddedS3 s3;
    private ScriptedReceiver receiver;

    @BeforeEach
    void startOutsideWorld() throws Exception {
        assertThat(JAR).as("the fat jar (failsafe runs after package)").exists();
        Files.createDirectories(OUT);
        sqsServer = new EmbeddedSqsServer(0);
        sqsServer.start();
        sqs = LocalAws.sqs(sqsServer.endpoint());
        s3 = EmbeddedS3.start(BUCKET);
        receiver = ScriptedReceiver.startOnRandomPort(ReceiverAndApp.SECRET);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        receiver.close();
        s3.close();
        sqs.close();
        sqsServer.stop();
    }

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void sigkillDuringTheReleaseLosesNothing() throws Exception {
        receiver.respondByDefault(LocalReceiver.Response.status(503));
        Child first = start("release-1");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add(post(first, "parked question " + i));
        }
        awaitUntil("all " + N + " parked", first, () -> parked() == N);

        // back: the probe resumes it and the release goes at 2 a second; killed after the first few
        receiver.respondByDefault(LocalReceiver.Response.status(200));
        awaitUntil("the release under way", first, () -> delivered().size() >= 3);
        first.process.destroyForcibly();
        first.process.waitFor(60, TimeUnit.SECONDS);
        int releasedBeforeKill = delivered().size();
        long parkedAtKill = parked();

        Child second = start("release-2");
        awaitUntil("every answer delivered", second, () -> firstArrivals().keySet().containsAll(ids));
        awaitUntil("nothing parked", second, () -> parked() == 0);

        Map<String, LocalReceiver.Delivery> arrivals = firstArrivals();
        assertThat(arrivals.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        List<OffsetDateTime> order = arrivals.values().stream()
                .map(d -> OffsetDateTime.parse(d.payload().path("ai_response").path("timestamp").asText())).toList();
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).as("arrival %d is not older than the one before", i).isAfterOrEqualTo(order.get(i - 1));
        }
        for (LocalReceiver.Delivery d : delivered()) {
            assertThat(d.webhookId()).isEqualTo("msg_" + d.trackingId());
            assertThat(d.signatureValid()).isTrue();
        }
        assertThat(depth(GatewayTestApp.dlqOf("webhook-deliveries"))).isZero();
        assertThat(depth(GatewayTestApp.dlqOf("webhook-requests.fifo"))).isZero();
        int duplicates = delivered().size() - N;
        String line = String.format("SIGKILL during the release: N=%d parked, %d released before the kill (%d still parked), "
                + "all %d delivered in answer order after the restart, %d duplicate(s) (same webhook-id), DLQs empty",
                N, releasedBeforeKill, parkedAtKill, N, duplicates);
        System.out.println("[parked-crash] " + line);
        Files.writeString(OUT.resolve("report.txt"), line + System.lineSeparator());
    }

    // ---- the child ----

    private record Child(Process process, Path log, int httpPort) {
    }

    private Child start(String name) throws Exception {
        int httpPort = GatewayTestApp.freePort();
        int managementPort = GatewayTestApp.freePort();
        Path log = OUT.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(ChildGatewayEnv.localOnLoopback(httpPort, managementPort, sqsServer.endpoint()));
        env.put("S3_ENDPOINT", s3.server().endpoint().toString());
        env.put("S3_BUCKET", BUCKET);
        env.put("S3_CONDITIONAL_WRITES", "false");
        env.put("EMBEDDED_SQS_PORT", Integer.toString(GatewayTestApp.freePort()));
        env.put("AGENT_EMULATOR_PORT", Integer.toString(GatewayTestApp.freePort()));
        env.put("AGENT_EMULATOR_LATENCY_MS", "0");
        env.put("LOCAL_RECEIVER_PORT", Integer.toString(GatewayTestApp.freePort()));
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_SIGNING_SECRET", ReceiverAndApp.SECRET);
        env.put("SQS_WAIT_TIME_SECONDS", "1");
        env.put("SQS_CONSUMER_VISIBILITY_SECONDS", "5");
        env.put("QUEUE_VISIBILITY_TIMEOUT_SECONDS", "5");
        env.put("DELIVERY_RETRY_DELAY_MS", "100");
        env.put("ENDPOINT_PAUSE_FAILURES", "2");
        env.put("ENDPOINT_PAUSE_AFTER", "0s");
        env.put("ENDPOINT_PROBE_MIN", "1s");
        env.put("ENDPOINT_PROBE_MAX", "1s");
        env.put("ENDPOINT_CHECK_SECONDS", "1");
        env.put("ENDPOINT_HEALTH_CACHE_SECONDS", "1");
        env.put("ENDPOINT_RESUME_RATE", "2");
        env.remove("ADMIN_TOKEN");
        Process process = builder.start();
        children.add(process);
        ChildReadiness.awaitReady(process, managementPort, log, READY_WITHIN);
        return new Child(process, log, httpPort);
    }

    private String post(Child child, String query) throws Exception {
        String body = MAPPER.createObjectNode().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "parked-crash-it").put("source_process", "release").toString();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.httpPort + "/webhook"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return MAPPER.readTree(response.body()).get("tracking_id").asText();
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    private void awaitUntil(String what, Child child, Condition condition) throws Exception {
        for (long end = System.nanoTime() + WITHIN.toNanos(); System.nanoTime() < end; Thread.sleep(200)) {
            if (condition.met()) {
                return;
            }
            if (!child.process.isAlive()) {
                fail(what + ": the gateway exited with " + child.process.exitValue() + "\n" + ChildReadiness.tail(child.log));
            }
        }
        fail(what + ": not within " + WITHIN + " (parked " + parked() + ", delivered " + delivered().size() + ")\n"
                + ChildReadiness.tail(child.log));
    }

    /** The deliveries parked in S3 now. */
    private long parked() {
        return s3.client().listObjectsV2(r -> r.bucket(BUCKET).prefix("parked/")).contents().size();
    }

    private List<LocalReceiver.Delivery> delivered() {
        return receiver.deliveries().stream().filter(d -> d.respondedStatus() == 200).toList();
    }

    /** Each tracking id's first 2xx arrival, in arrival order. */
    private Map<String, LocalReceiver.Delivery> firstArrivals() {
        Map<String, LocalReceiver.Delivery> first = new LinkedHashMap<>();
        delivered().forEach(d -> first.putIfAbsent(d.trackingId(), d));
        return first;
    }

    private int depth(String queue) {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }
}
