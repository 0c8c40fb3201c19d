package gateway.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.bench.CountingProxy.Call;
import gateway.bench.CountingProxy.Service;
import gateway.json.Json;
import gateway.local.EmbeddedS3Server;
import gateway.local.EmbeddedSqsServer;
import gateway.testing.GatewayTestApp;
import io.vertx.core.Vertx;
import ops.AppSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an idle gateway instance costs in AWS calls ({@code mvn -B -Pbenchmark verify -Dtest=IdleCallsBenchmarkTest}, see
 * docs/benchmark.md): the real application in-process, with the shipped timing of everything that calls AWS while
 * nothing happens (SQS long polls of 20 s and 500 ms between empty polls, 2 agent and 4 delivery consumers, the queue
 * depth sample, the endpoint check, the dead-letter sweep, the watch LIST), talking to ElasticMQ and S3Proxy through a
 * {@link CountingProxy} each, which counts every call at the wire by operation. After a warm-up, windows of
 * {@code bench.idle.seconds}, one per scenario:
 * <ul>
 *   <li>{@code idle}: no traffic at all;</li>
 *   <li>{@code probes}: Kubernetes' probes as k8s/base/deployment.yaml sets them (readiness every 5 s, liveness every 10 s);</li>
 *   <li>{@code question}: one question in flight (its agent call answering after 10 minutes): what an agent call
 *       adds while it waits (the watch LIST, the message's visibility renewals). An open event stream would share that
 *       LIST; it is not measured here (the stream is work in progress on this branch and answers 500).</li>
 * </ul>
 * Reports calls per minute by operation (and queue or prefix) per scenario in {@code target/benchmark/idle-calls.json}
 * and a table ({@code idle-calls.txt}). Asserts only sanity: the proxies saw the consumers' long polls, no call failed
 * at the proxy or on a signature. Settings: {@code bench.idle.seconds} (60), {@code bench.idle.warmup.seconds} (25),
 * {@code bench.idle.scenarios} ({@code idle,probes,question}), {@code bench.idle.app.<key>=<value>}.
 */
@Tag("benchmark")
class IdleCallsBenchmarkTest {

    static final List<String> ALL_SCENARIOS = List.of("idle", "probes", "question");
    /** The settings that decide the idle calls (reported as the app resolved them). */
    static final List<String> TIMING = List.of("gateway.sqs.wait-time-seconds", "gateway.sqs.poll-delay-ms",
            "gateway.agent.consumers", "gateway.delivery.consumers", "gateway.cancel.poll-ms",
            "gateway.metrics.queue-sample-seconds", "gateway.endpoints.check-seconds", "gateway.dlq.sweep-enabled",
            "gateway.dlq.sweep-seconds", "gateway.callers.reload-seconds");
    /** The agent's think time for the in-flight question: longer than every window. */
    static final long AGENT_LATENCY_MS = 600_000;

    /**
     * One scenario's window ({@code System.nanoTime()} bounds): its calls (arrived in the window) and, once they have
     * been answered ({@link #withAnswers}), the answered ones among them with their durations and statuses.
     */
    record Window(String scenario, String description, long from, long to, List<Call> arrived, List<Call> answered) {
        double seconds() {
            return (to - from) / 1e9;
        }

        double perMinute(long count) {
            return count * 60.0 / seconds();
        }

        boolean contains(Call c) {
            return c.startNanos() >= from && c.startNanos() < to;
        }

        Window withAnswers(CountingProxy... proxies) {
            List<Call> done = Arrays.stream(proxies).flatMap(p -> p.calls().stream()).filter(this::contains).toList();
            return new Window(scenario, description, from, to, arrived, done);
        }
    }

    @Test
    void awsCallsPerMinuteOfAnIdleInstance() throws Exception {
        double windowSeconds = Double.parseDouble(System.getProperty("bench.idle.seconds", "60"));
        double warmupSeconds = Double.parseDouble(System.getProperty("bench.idle.warmup.seconds", "25"));
        List<String> scenarios = Arrays.stream(System.getProperty("bench.idle.scenarios", String.join(",", ALL_SCENARIOS))
                .split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        assertThat(ALL_SCENARIOS).containsAll(scenarios);
        Path out = Path.of(System.getProperty("bench.output", "target/benchmark"));
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        Vertx vertx = Vertx.vertx();
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        EmbeddedS3Server s3 = new EmbeddedS3Server(0);
        sqs.start();
        s3.start();
        CountingProxy sqsProxy = CountingProxy.start(Service.SQS, vertx, sqs.endpoint());
        CountingProxy s3Proxy = CountingProxy.start(Service.S3, vertx, s3.endpoint());
        Map<String, String> overrides = new TreeMap<>();
        overrides.put("gateway.sqs.endpoint", sqsProxy.endpoint().toString());
        overrides.put("gateway.s3.endpoint", s3Proxy.endpoint().toString());
        // what the local profile sets when it starts S3Proxy itself (it ignores If-None-Match / If-Match)
        overrides.put("gateway.s3.conditional-writes", "false");
        // the shipped timing (application.properties' defaults), including what GatewayTestApp shortens or turns off for tests
        overrides.put("gateway.sqs.wait-time-seconds", AppSettings.requiredDefault("SQS_WAIT_TIME_SECONDS"));
        overrides.put("gateway.sqs.consumer-visibility-seconds", AppSettings.requiredDefault("SQS_CONSUMER_VISIBILITY_SECONDS"));
        overrides.put("gateway.sqs.poll-delay-ms", AppSettings.requiredDefault("SQS_POLL_DELAY_MS"));
        overrides.put("gateway.agent.consumers", AppSettings.requiredDefault("AGENT_CONSUMERS"));
        overrides.put("gateway.delivery.consumers", AppSettings.requiredDefault("DELIVERY_CONSUMERS"));
        overrides.put("gateway.cancel.poll-ms", AppSettings.requiredDefault("CANCEL_POLL_MS"));
        overrides.put("gateway.metrics.queue-sample-seconds", AppSettings.requiredDefault("QUEUE_SAMPLE_SECONDS"));
        overrides.put("gateway.endpoints.check-seconds", AppSettings.requiredDefault("ENDPOINT_CHECK_SECONDS"));
        overrides.put("gateway.dlq.sweep-enabled", AppSettings.requiredDefault("DLQ_SWEEP_ENABLED"));
        overrides.put("gateway.dlq.sweep-seconds", AppSettings.requiredDefault("DLQ_SWEEP_SECONDS"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.idle.app."))
                .forEach(k -> overrides.put(k.substring("bench.idle.app.".length()), System.getProperty(k)));

        List<Window> windows = new ArrayList<>();
        Map<String, String> timing = new LinkedHashMap<>();
        try (GatewayTestApp app = GatewayTestApp.start(overrides)) {
            TIMING.forEach(key -> timing.put(key, app.property(key)));
            Thread.sleep((long) (warmupSeconds * 1000));
            for (String scenario : scenarios) {
                switch (scenario) {
                    case "idle" -> windows.add(measure(scenario, "no traffic", windowSeconds, sqsProxy, s3Proxy));
                    case "probes" -> {
                        ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
                        AtomicInteger probeFailures = new AtomicInteger();
                        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                        probes.scheduleAtFixedRate(() -> probe(http, app.managementUrl("/observe/health/ready"), probeFailures),
                                0, 5, TimeUnit.SECONDS);
                        probes.scheduleAtFixedRate(() -> probe(http, app.managementUrl("/observe/health/live"), probeFailures),
                                0, 10, TimeUnit.SECONDS);
                        try {
                            windows.add(measure(scenario, "readiness probe every 5 s, liveness every 10 s",
                                    windowSeconds, sqsProxy, s3Proxy));
                        } finally {
                            probes.shutdownNow();
                        }
                        assertThat(probeFailures.get()).as("probes answered other than 200").isZero();
                    }
                    case "question" -> {
                        askQuestion(app);
                        windows.add(measure(scenario, "one question in flight (agent answering after "
                                + AGENT_LATENCY_MS / 60_000 + " min)", windowSeconds, sqsProxy, s3Proxy));
                        assertThat(app.agent().inFlight()).as("the question is still in flight").isEqualTo(1);
                    }
                    default -> throw new IllegalArgumentException(scenario);
                }
            }
            // the long polls begun in the last window end (with the app running: a stop would cut them short)
            Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(timing.get("gateway.sqs.wait-time-seconds")) + 2));
            windows.replaceAll(w -> w.withAnswers(sqsProxy, s3Proxy));
        } finally {
            sqsProxy.close();
            s3Proxy.close();
            sqs.stop();
            s3.stop();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        String table = table(windows, timing, warmupSeconds, loadAtStart);
        System.out.print(table);
        BenchmarkReport.writeFiles(out, "idle-calls", json(windows, timing, warmupSeconds, loadAtStart), table);

        // sanity only: the proxies stood between the app and its stand-ins, and nothing failed on the way
        assertThat(windows.stream().flatMap(w -> w.arrived().stream())).as("calls seen in the windows")
                .anyMatch(c -> c.service() == Service.SQS && c.operation().equals("ReceiveMessage"));
        // (the windows' calls: the long polls still open when the app stops are cut short, as they should be)
        List<Call> answered = windows.stream().flatMap(w -> w.answered().stream()).toList();
        assertThat(answered).as("calls the proxy could not forward (0) or that failed their signature (403)")
                .noneMatch(c -> c.status() == 0 || c.status() == 403);
    }

    private String trackingId;

    /** POSTs one question whose agent call stays open ({@code [emulator:latency=...]}) and waits until it is in flight. */
    private void askQuestion(GatewayTestApp app) throws Exception {
        String question = "{\"source_process\":\"idle_bench\",\"timestamp\":\"2025-08-13T06:30:00Z\",\"source_system\":\"crm\","
                + "\"query\":\"[emulator:latency=" + AGENT_LATENCY_MS + "] What is the deal status for IXIS this quarter?\"}";
        HttpResponse<String> accepted = app.postJson("/webhook", question);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.agent().inFlight() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(app.agent().inFlight()).as("agent calls in flight").isEqualTo(1);
        // the intake's and the agent stage's own calls (record writes, the send, the receive) settle first
        Thread.sleep(5000);
    }

    private static void probe(HttpClient http, URI uri, AtomicInteger failures) {
        try {
            if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                failures.incrementAndGet();
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    /** Counts the calls that arrive at the proxies during one window; the answered ones give the durations. */
    private static Window measure(String scenario, String description, double seconds, CountingProxy... proxies)
            throws InterruptedException {
        long from = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long to = System.nanoTime();
        List<Call> arrived = Arrays.stream(proxies).flatMap(p -> p.arrivals().stream())
                .filter(c -> c.startNanos() >= from && c.startNanos() < to).toList();
        return new Window(scenario, description, from, to, arrived, List.of());
    }

    static String operationKey(Call c) {
        return c.service().name().toLowerCase(Locale.ROOT) + " " + c.operation();
    }

    static String detailKey(Call c) {
        return operationKey(c) + " " + (c.detail().isEmpty() ? "-" : c.detail());
    }

    /** Operation, then its details (queue, prefix), each with its count per window. */
    private static Map<String, Map<String, long[]>> rows(List<Window> windows) {
        Map<String, Map<String, long[]>> rows = new TreeMap<>();
        for (int i = 0; i < windows.size(); i++) {
            for (Call c : windows.get(i).arrived()) {
                Map<String, long[]> op = rows.computeIfAbsent(operationKey(c), k -> new TreeMap<>());
                op.computeIfAbsent("", k -> new long[windows.size()])[i]++;
                op.computeIfAbsent(c.detail().isEmpty() ? "-" : c.detail(), k -> new long[windows.size()])[i]++;
            }
        }
        return rows;
    }

    private static double meanMillis(List<Window> windows, String key, java.util.function.Function<Call, String> keyOf) {
        return windows.stream().flatMap(w -> w.answered().stream()).filter(c -> keyOf.apply(c).equals(key))
                .mapToDouble(Call::millis).average().orElse(Double.NaN);
    }

    static String table(List<Window> windows, Map<String, String> timing, double warmupSeconds, double loadAtStart) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "AWS calls of one gateway instance without traffic, per minute, counted at the wire "
                        + "(proxies before ElasticMQ and S3Proxy); %.0f s warm-up, then %.0f s per scenario; %d cores%n",
                warmupSeconds, windows.isEmpty() ? 0 : windows.get(0).seconds(), Runtime.getRuntime().availableProcessors()));
        t.append("timing: ");
        timing.forEach((k, v) -> t.append(k.replace("gateway.", "")).append('=').append(v).append(' '));
        t.append(String.format("%n"));
        for (Window w : windows) {
            t.append(String.format(Locale.ROOT, "  %-9s %s%n", w.scenario(), w.description()));
        }
        t.append(String.format(Locale.ROOT, "%-58s |", "calls per minute"));
        windows.forEach(w -> t.append(String.format(Locale.ROOT, " %9s", w.scenario())));
        t.append(String.format(Locale.ROOT, " | %8s%n", "mean ms"));
        rows(windows).forEach((operation, details) -> {
            t.append(String.format(Locale.ROOT, "%-58s |", operation));
            long[] counts = details.get("");
            for (int i = 0; i < counts.length; i++) {
                t.append(String.format(Locale.ROOT, " %9.1f", windows.get(i).perMinute(counts[i])));
            }
            t.append(String.format(Locale.ROOT, " | %8.1f%n", meanMillis(windows, operation, IdleCallsBenchmarkTest::operationKey)));
            details.forEach((detail, byWindow) -> {
                if (!detail.isEmpty() && !detail.equals("-")) {
                    t.append(String.format(Locale.ROOT, "    %-54s |", detail.length() > 54 ? detail.substring(0, 54) : detail));
                    for (int i = 0; i < byWindow.length; i++) {
                        t.append(String.format(Locale.ROOT, " %9.1f", windows.get(i).perMinute(byWindow[i])));
                    }
                    t.append(String.format(Locale.ROOT, " | %8.1f%n",
                            meanMillis(windows, operation + " " + detail, IdleCallsBenchmarkTest::detailKey)));
                }
            });
        });
        t.append(String.format(Locale.ROOT, "%-58s |", "total"));
        windows.forEach(w -> t.append(String.format(Locale.ROOT, " %9.1f", w.perMinute(w.arrived().size()))));
        t.append(String.format("%n"));
        t.append(String.format(Locale.ROOT, "%-58s |", "  of which SQS / S3"));
        windows.forEach(w -> t.append(String.format(Locale.ROOT, " %4.0f/%4.0f",
                w.perMinute(w.arrived().stream().filter(c -> c.service() == Service.SQS).count()),
                w.perMinute(w.arrived().stream().filter(c -> c.service() == Service.S3).count()))));
        t.append(String.format(Locale.ROOT, "%n%-58s |", "  answered other than 2xx (count)"));
        windows.forEach(w -> t.append(String.format(Locale.ROOT, " %9d", w.answered().stream().filter(c -> c.status() / 100 != 2).count())));
        t.append(String.format(Locale.ROOT, "%ncalls counted when they arrive at the proxy; mean ms: arrival to answer, all windows; "
                + "load average %.2f at start, %.2f at end%n", loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return t.toString();
    }

    static ObjectNode json(List<Window> windows, Map<String, String> timing, double warmupSeconds, double loadAtStart) {
        ObjectNode root = BenchmarkReport.jsonHeader("idle-calls", loadAtStart);
        root.put("warmup_seconds", warmupSeconds);
        ObjectNode settings = root.putObject("timing");
        timing.forEach(settings::put);
        var array = root.putArray("scenarios");
        Map<String, Map<String, long[]>> rows = rows(windows);
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            ObjectNode node = array.addObject();
            node.put("scenario", w.scenario());
            node.put("description", w.description());
            node.put("seconds", round(w.seconds()));
            node.put("calls", w.arrived().size());
            node.put("total_per_minute", round(w.perMinute(w.arrived().size())));
            node.put("sqs_per_minute", round(w.perMinute(w.arrived().stream().filter(c -> c.service() == Service.SQS).count())));
            node.put("s3_per_minute", round(w.perMinute(w.arrived().stream().filter(c -> c.service() == Service.S3).count())));
            ObjectNode byOperation = node.putObject("per_minute_by_operation");
            ObjectNode byDetail = node.putObject("per_minute_by_operation_and_detail");
            final int index = i;
            rows.forEach((operation, details) -> details.forEach((detail, counts) -> {
                if (counts[index] == 0) {
                    return;
                }
                if (detail.isEmpty()) {
                    byOperation.put(operation, round(w.perMinute(counts[index])));
                } else {
                    byDetail.put(operation + " " + detail, round(w.perMinute(counts[index])));
                }
            }));
            ObjectNode failed = node.putObject("answered_other_than_2xx_by_operation");
            w.answered().stream().filter(c -> c.status() / 100 != 2)
                    .forEach(c -> failed.put(operationKey(c) + " " + c.status(), failed.path(operationKey(c) + " " + c.status()).asInt() + 1));
            ObjectNode durations = node.putObject("mean_ms_by_operation");
            Map<String, List<Call>> answered = new TreeMap<>();
            w.answered().forEach(c -> answered.computeIfAbsent(operationKey(c), k -> new ArrayList<>()).add(c));
            answered.forEach((operation, calls) -> durations.put(operation,
                    round(calls.stream().mapToDouble(Call::millis).average().orElse(Double.NaN))));
        }
        return root;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
