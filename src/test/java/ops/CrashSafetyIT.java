package ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.testing.ScriptedReceiver;
import gateway.local.EmbeddedSqsServer;
import gateway.testing.ChildGatewayEnv;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Crash safety of the real fat jar. SQS (ElasticMQ) and the webhook receiver live in this test's JVM,
 * outside the app; the app runs as a child process ({@code java -jar target/ai-webhook-gateway.jar})
 * with a slow emulated agent. While its agent calls are in flight it is killed, then a second app
 * process is started on the same queues:
 * <ul>
 *   <li>SIGKILL: every request still reaches the receiver; a duplicate is allowed only with the same
 *       {@code webhook-id} (receivers deduplicate on it); nothing is dead-lettered;</li>
 *   <li>SIGTERM: the app finishes its in-flight calls within the grace period (30 s, longer than the
 *       agent's 12 s) and exits 0;
 *       every request reaches the receiver exactly once; nothing is dead-lettered.</li>
 * </ul>
 * Runs under failsafe after {@code package} ({@code mvn -B verify}). Every wait is bounded; the app's
 * output is in {@code target/crash-it/*.log} and its tail is printed when a step fails.
 */
class CrashSafetyIT {

    static final int N = 20;
    /** the emulated agent's answer time: long enough that calls are in flight at the signal */
    static final int AGENT_LATENCY_MS = 6000;
    /** after SIGTERM: the grace period (SHUTDOWN_TIMEOUT_SECONDS) outlasts the agent's calls in flight */
    static final int SLOW_AGENT_LATENCY_MS = 6000;
    static final int GRACE_SECONDS = 20;
    static final Path JAR = Path.of("target", "ai-webhook-gateway.jar");
    static final Path OUT = Path.of("target", "crash-it");
    static final String[] QUEUES = {"webhook-requests.fifo", "webhook-deliveries"};

    static final Duration READY_WITHIN = Duration.ofSeconds(120);
    static final Duration IN_FLIGHT_WITHIN = Duration.ofSeconds(60);
    static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(120);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Child> children = new ArrayList<>();
    private EmbeddedSqsServer sqsServer;
    private SqsClient sqs;
    private ScriptedReceiver receiver;

    @BeforeEach
    void startOutsideWorld() throws IOException {
        assertThat(JAR).as("the fat jar (failsafe runs after package)").exists();
        Files.createDirectories(OUT);
        sqsServer = new EmbeddedSqsServer(0);
        sqsServer.start();
        sqs = LocalAws.sqs(sqsServer.endpoint());
        receiver = ScriptedReceiver.startOnRandomPort(ReceiverAndApp.SECRET);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Child child : children) {
            child.process.destroyForcibly();
            child.process.waitFor(30, TimeUnit.SECONDS);
        }
        if (receiver != null) {
            receiver.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (sqsServer != null) {
            sqsServer.stop();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sigkillWithAgentCallsInFlightLosesNothing() throws Exception {
        Child first = startApp("sigkill-1", AGENT_LATENCY_MS);
        List<String> ids = sendRequests(first, "sigkill");
        int inFlight = awaitAgentCallsInFlight(first);

        long killedAt = System.nanoTime();
        first.process.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no release
        int exit = awaitExit(first);

        Child second = startApp("sigkill-2", AGENT_LATENCY_MS);
        Map<String, List<ScriptedReceiver.Delivery>> byId = awaitAllDelivered(ids, second);
        long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        awaitQueuesDrained(second);

        int duplicates = receiver.deliveries().size() - ids.size();
        for (Map.Entry<String, List<ScriptedReceiver.Delivery>> e : byId.entrySet()) {
            Set<String> webhookIds = e.getValue().stream().map(ScriptedReceiver.Delivery::webhookId)
                    .collect(Collectors.toSet());
            assertThat(webhookIds).as("webhook-ids of the deliveries of %s", e.getKey()).hasSize(1);
        }
        assertDeadLetterQueuesEmpty();
        report("SIGKILL: N=%d, %d agent calls in flight at the kill, exit code %d, all %d delivered %d ms after "
                + "the kill, %d duplicate(s) (same webhook-id), DLQs empty", N, inFlight, exit, N, recoveredMs, duplicates);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sigtermWithAgentCallsInFlightFinishesThemAndDeliversEachOnce() throws Exception {
        Child first = startApp("sigterm-1", SLOW_AGENT_LATENCY_MS);
        List<String> ids = sendRequests(first, "sigterm");
        int inFlight = awaitAgentCallsInFlight(first);

        long termAt = System.nanoTime();
        first.process.destroy();           // SIGTERM: graceful shutdown within SHUTDOWN_TIMEOUT_SECONDS
        int exit = awaitExit(first);
        long shutdownMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
        if (exit != 0) {
            fail("exit code " + exit + " after SIGTERM (expected a clean exit)\n" + first.tail());
        }
        // the grace period (SHUTDOWN_TIMEOUT_SECONDS=20) outlasts the agent (6 s): every in-flight call was
        // answered and its request deleted; none was handed back to run the agent again, and nothing that
        // had finished was "released" again
        assertThat(depth("webhook-requests.fifo")).as("requests left after a graceful stop\n%s", first.tail()).isZero();
        assertThat(first.logLinesContaining("Shutdown: released")).as("released after a graceful stop\n%s", first.tail())
                .isZero();

        Child second = startApp("sigterm-2", SLOW_AGENT_LATENCY_MS);
        awaitAllDelivered(ids, second);
        long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
        awaitQueuesDrained(second);

        List<String> received = receiver.deliveries().stream().map(ScriptedReceiver.Delivery::trackingId).toList();
        assertThat(received).as("deliveries after SIGTERM (no duplicates)").hasSize(N).doesNotHaveDuplicates();
        assertDeadLetterQueuesEmpty();
        report("SIGTERM: N=%d, %d agent calls in flight at the signal, exit code %d after %d ms, all %d delivered "
                + "%d ms after the signal, 0 duplicates, DLQs empty", N, inFlight, exit, shutdownMs, N, recoveredMs);
    }

    // ---- the child process ----

    private record Child(String name, Process process, Path log, int httpPort, int managementPort) {
        String tail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return "---- last lines of " + log + " ----\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException e) {
                return "(no log " + log + ": " + e + ")";
            }
        }

        long logLinesContaining(String text) {
            try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                return lines.filter(l -> l.contains(text)).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                return 0;
            }
        }
    }

    private Child startApp(String name, int agentLatencyMs) throws Exception {
        int httpPort = GatewayTestApp.freePort();
        int managementPort = GatewayTestApp.freePort();
        int emulatorPort = GatewayTestApp.freePort();
        Path log = OUT.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(ChildGatewayEnv.localOnLoopback(httpPort, managementPort, sqsServer.endpoint()));
        env.put("EMBEDDED_SQS_PORT", Integer.toString(GatewayTestApp.freePort()));
        env.put("EMBEDDED_S3_PORT", Integer.toString(GatewayTestApp.freePort())); // not 9325 of a dying child
        env.put("AGENT_EMULATOR_PORT", Integer.toString(emulatorPort));
        env.put("AGENT_EMULATOR_LATENCY_MS", Integer.toString(agentLatencyMs));
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_SIGNING_SECRET", ReceiverAndApp.SECRET);
        env.put("LOCAL_RECEIVER_PORT", Integer.toString(GatewayTestApp.freePort()));
        // a killed process's messages come back within seconds, not minutes
        env.put("SQS_WAIT_TIME_SECONDS", "1");
        env.put("SQS_CONSUMER_VISIBILITY_SECONDS", "5");
        env.put("QUEUE_VISIBILITY_TIMEOUT_SECONDS", "5");
        env.put("SHUTDOWN_TIMEOUT_SECONDS", Integer.toString(GRACE_SECONDS));
        env.put("DELIVERY_RETRY_DELAY_MS", "200");
        env.remove("ADMIN_TOKEN");
        Child child = new Child(name, builder.start(), log, httpPort, managementPort);
        children.add(child);
        awaitReady(child);
        return child;
    }

    private void awaitReady(Child child) throws InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + child.managementPort + "/observe/health/ready");
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.process.isAlive()) {
                fail(child.name + " exited with " + child.process.exitValue() + " before it was ready\n" + child.tail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail(child.name + " not ready within " + READY_WITHIN + "\n" + child.tail());
    }

    private List<String> sendRequests(Child child, String process) throws Exception {
        URI webhook = URI.create("http://127.0.0.1:" + child.httpPort + "/webhook");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= N; i++) {
            ObjectNode body = MAPPER.createObjectNode()
                    .put("query", "crash test question " + i)
                    .put("timestamp", "2025-08-13T06:30:00Z")
                    .put("source_system", "crash-safety-it")
                    .put("source_process", process);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("POST /webhook #%d: %s", i, response.body()).isEqualTo(202);
            ids.add(MAPPER.readTree(response.body()).get("tracking_id").asText());
        }
        assertThat(ids).doesNotHaveDuplicates();
        return ids;
    }

    /**
     * Waits until the child has asked the agent for all N requests (its log says "Asking the agent"),
     * or the first answer arrives; then requires calls to be in flight: requests received from SQS and
     * not yet deleted, fewer than N delivered. Returns how many requests are held (in flight).
     */
    private int awaitAgentCallsInFlight(Child child) throws InterruptedException {
        long deadline = System.nanoTime() + IN_FLIGHT_WITHIN.toNanos();
        while (System.nanoTime() < deadline
                && child.logLinesContaining("Asking the agent") < N && receiver.receivedCount() == 0) {
            if (!child.process.isAlive()) {
                fail(child.name + " died with " + child.process.exitValue() + "\n" + child.tail());
            }
            Thread.sleep(100);
        }
        int held = count("webhook-requests.fifo", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
        if (held == 0 || receiver.receivedCount() >= N) {
            fail("no agent call in flight to interrupt (held " + held + ", delivered " + receiver.receivedCount()
                    + ")\n" + child.tail());
        }
        return held;
    }

    private int awaitExit(Child child) throws InterruptedException {
        if (!child.process.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            fail(child.name + " still running " + EXIT_WITHIN + " after the signal\n" + child.tail());
        }
        return child.process.exitValue();
    }

    /** Every tracking id delivered (by the second process), grouped; fails with both logs' tails. */
    private Map<String, List<ScriptedReceiver.Delivery>> awaitAllDelivered(List<String> ids, Child second)
            throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERED_WITHIN.toNanos();
        Map<String, List<ScriptedReceiver.Delivery>> byId = Map.of();
        while (System.nanoTime() < deadline) {
            byId = byTrackingId();
            if (byId.keySet().containsAll(ids)) {
                break;
            }
            if (!second.process.isAlive()) {
                fail(second.name + " died with " + second.process.exitValue() + "\n" + second.tail());
            }
            Thread.sleep(200);
        }
        Set<String> missing = new LinkedHashSet<>(ids);
        missing.removeAll(byId.keySet());
        if (!missing.isEmpty()) {
            fail(missing.size() + " of " + N + " requests never reached the receiver within " + DELIVERED_WITHIN
                    + ": " + missing + "\nqueues: " + queueReport() + "\n"
                    + children.stream().map(Child::tail).collect(Collectors.joining("\n")));
        }
        assertThat(byId.keySet()).as("only this test's requests were delivered").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(receiver.deliveries()).as("every delivery's signature verifies")
                .allSatisfy(d -> assertThat(d.signatureValid()).isTrue());
        return byId;
    }

    private Map<String, List<ScriptedReceiver.Delivery>> byTrackingId() {
        Map<String, List<ScriptedReceiver.Delivery>> byId = new LinkedHashMap<>();
        for (ScriptedReceiver.Delivery d : receiver.deliveries()) {
            byId.computeIfAbsent(d.trackingId(), k -> new ArrayList<>()).add(d);
        }
        return byId;
    }

    /** Waits until both work queues are empty (nothing visible, nothing held), so nothing more will arrive. */
    private void awaitQueuesDrained(Child second) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (depth("webhook-requests.fifo") == 0 && depth("webhook-deliveries") == 0) {
                return;
            }
            Thread.sleep(200);
        }
        fail("work queues not drained within " + DELIVERED_WITHIN + ": " + queueReport() + "\n" + second.tail());
    }

    private void assertDeadLetterQueuesEmpty() {
        for (String queue : QUEUES) {
            String dlq = GatewayTestApp.dlqOf(queue);
            assertThat(depth(dlq)).as("%s (%s)", dlq, queueReport()).isZero();
        }
    }

    // ---- SQS counts (exact on ElasticMQ) ----

    private int depth(String queue) {
        return count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                + count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    }

    private int count(String queue, QueueAttributeName attribute) {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(attribute))
                .attributes().get(attribute));
    }

    private String queueReport() {
        Map<String, Integer> depths = new HashMap<>();
        for (String queue : QUEUES) {
            depths.put(queue, depth(queue));
            depths.put(GatewayTestApp.dlqOf(queue), depth(GatewayTestApp.dlqOf(queue)));
        }
        return depths + ", deliveries received " + receiver.receivedCount();
    }

    private static void report(String format, Object... args) throws IOException {
        String line = String.format(format, args);
        System.out.println("[crash-safety] " + line);
        Files.writeString(OUT.resolve("report.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
