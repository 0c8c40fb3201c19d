package gateway.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.WebhookSigner;
import gateway.json.Json;
import gateway.local.AgentEmulator;
import gateway.local.EmbeddedSqsServer;
import gateway.testing.ChildGatewayEnv;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ScriptedReceiver;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agent calls in flight on one instance ({@code mvn -B -Pbenchmark verify}, see docs/benchmark.md): the
 * gateway runs as a child process, {@code java -Xmx512m -jar target/ai-webhook-gateway.jar}, so the heap and
 * RSS measured are its own. What it talks to runs in this (the test) JVM, as it would run elsewhere in
 * production: ElasticMQ as SQS ({@code SQS_ENDPOINT}), the agent emulator answering after 30 s
 * ({@code BEDROCK_ENDPOINT}), a {@link ScriptedReceiver} ({@code WEBHOOK_URL}).
 *
 * <p>1,000 questions are POSTed to {@code /webhook}; every 500 ms a sampler reads the calls in flight (at the
 * emulator, and from the app's {@code gateway_agent_calls_in_flight} gauge and the {@code agent-invoke} route's
 * in-flight exchanges where exposed), the heap used ({@code jvm_memory_used_bytes{area="heap"}}) and the
 * process's VmRSS/VmHWM, until all 1,000 answers are delivered. Reported: peak in flight, heap and RSS at the
 * peak, live heap (after a full GC) idle and at the peak, total time against the ideal
 * {@code latency × ⌈questions / limit⌉}. Asserts only sanity (every question accepted, answered by the agent
 * and delivered exactly once per tracking id with a valid signature), never speed or memory.
 *
 * <p>Settings: {@code bench.flight.questions} (1000), {@code bench.flight.latency.ms} (30000),
 * {@code bench.flight.limits} (1000; e.g. {@code 1000,256} adds a run at the default limit),
 * {@code bench.flight.consumers} (2, {@code AGENT_CONSUMERS}), {@code bench.flight.heap} (512m),
 * {@code bench.flight.env.<NAME>=<value>} (more environment for the app), {@code bench.jar}.
 */
@Tag("benchmark")
class AgentInFlightBenchmarkTest {

    static final Duration SAMPLE_EVERY = Duration.ofMillis(500);

    /** One reading of the sampler; NaN / -1 where a source was not available. */
    record Sample(double atSeconds, int emulatorInFlight, double gaugeInFlight, double routeInFlight, double heapUsedMb,
                  double rssMb, double hwmMb, long delivered) {
    }

    record Run(int limit, int consumers, int questions, long latencyMs, String heap, int accepted, long delivered,
               int distinctDelivered, long invalidSignatures, long failedAnswers, int emulatorCalls,
               int emulatorPeak, double gaugePeak, double routePeak, Sample atPeak, double maxHeapUsedMb, double hwmMb,
               double liveHeapIdleMb, double liveHeapAtPeakMb, double rssIdleMb, double queueSeconds,
               double secondsToPeak, double totalSeconds, double idealSeconds, List<Sample> samples,
               long appWarnings, long appErrors, long outOfMemoryLines) {

        double totalOverIdeal() {
            return totalSeconds / idealSeconds;
        }

        double liveKbPerConversation() {
            return Double.isNaN(liveHeapAtPeakMb) || emulatorPeak == 0 ? Double.NaN
                    : (liveHeapAtPeakMb - liveHeapIdleMb) * 1024 / emulatorPeak;
        }
    }

    @Test
    void thousandConversationsInFlight() throws Exception {
        Path jar = GatewayProcess.jar();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "no " + jar + ": this benchmark runs the packaged app;"
                + " run it with `mvn -B -Pbenchmark verify` (builds the jar first) or `mvn -B package -DskipTests` first");
        int questions = Integer.getInteger("bench.flight.questions", 1000);
        long latencyMs = Long.getLong("bench.flight.latency.ms", 30_000);
        int consumers = Integer.getInteger("bench.flight.consumers", 2);
        String heap = System.getProperty("bench.flight.heap", "512m");
        int[] limits = Arrays.stream(System.getProperty("bench.flight.limits", "1000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        Path out = Path.of(System.getProperty("bench.output", "target/benchmark"));
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        List<Run> runs = new ArrayList<>();
        for (int limit : limits) {
            Run run = runOnce(jar, out, questions, latencyMs, limit, consumers, heap);
            runs.add(run);
            System.out.print(table(runs, loadAtStart));
        }
        write(out, runs, loadAtStart);
        System.out.print(table(runs, loadAtStart));

        for (Run run : runs) {
            assertThat(run.accepted()).as("every question accepted (202)").isEqualTo(questions);
            assertThat(run.distinctDelivered()).as("every question's answer delivered").isEqualTo(questions);
            assertThat(run.invalidSignatures()).as("every delivery signed").isZero();
            assertThat(run.failedAnswers()).as("every delivery an answer, not a failure").isZero();
            assertThat(run.emulatorCalls()).as("the agent asked at least once per question").isGreaterThanOrEqualTo(questions);
            assertThat(run.emulatorPeak()).as("agent calls were in flight").isPositive();
        }
    }

    private Run runOnce(Path jar, Path out, int questions, long latencyMs, int limit, int consumers, String heap)
            throws Exception {
        String secret = WebhookSigner.generateSecret();
        Vertx vertx = Vertx.vertx();
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        sqs.start();
        ProbedAgentEmulator emulator = new ProbedAgentEmulator(AgentEmulator.Settings.defaults().withLatencyMillis(latencyMs), vertx)
                .start(0);
        // (a benchmark measures speed: the contract of its deliveries is the test suite's)
        ScriptedReceiver receiver = new ScriptedReceiver(vertx, 0, secret, questions + 100).withoutContractCheck().start();
        int httpPort = GatewayTestApp.freePort();
        int managementPort = GatewayTestApp.freePort();
        Map<String, String> env = ChildGatewayEnv.localOnLoopback(httpPort, managementPort, sqs.endpoint());
        env.put("AGENT_EMULATOR_ENABLED", "false");
        env.put("BEDROCK_ENDPOINT", emulator.baseUrl());
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_SIGNING_SECRET", secret);
        env.put("AGENT_MAX_IN_FLIGHT", Integer.toString(limit));
        env.put("AGENT_CONSUMERS", Integer.toString(consumers));
        env.put("EMBEDDED_S3_PORT", Integer.toString(GatewayTestApp.freePort())); // idempotency store (dev)
        env.put("RATE_LIMIT_PER_MINUTE", "0"); // one caller sends all the questions: no per-caller limit here
        env.put("REQUESTS_QUEUE", "flight-requests-" + limit + ".fifo");
        env.put("REQUESTS_DLQ", GatewayTestApp.dlqOf("flight-requests-" + limit + ".fifo"));
        env.put("DELIVERIES_QUEUE", "flight-deliveries-" + limit);
        env.put("DELIVERIES_DLQ", GatewayTestApp.dlqOf("flight-deliveries-" + limit));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.flight.env."))
                .forEach(k -> env.put(k.substring("bench.flight.env.".length()), System.getProperty(k)));

        try (GatewayProcess app = GatewayProcess.start(jar, heap, env, managementPort, out.resolve("agent-in-flight-app-" + limit + ".log"))) {
            app.awaitReady(Duration.ofSeconds(120));
            double liveIdle = liveHeapMb(app);
            double rssIdle = app.rss().vmRssKb() / 1024.0;

            List<Sample> samples = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    samples.add(sample(app, emulator, receiver, t0));
                    try {
                        Thread.sleep(SAMPLE_EVERY.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-flight-sampler");
            sampler.setDaemon(true);
            sampler.start();

            // queue the questions: POST /webhook from 16 threads
            Set<String> trackingIds = ConcurrentHashMap.newKeySet();
            AtomicInteger accepted = new AtomicInteger();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI webhook = URI.create("http://127.0.0.1:" + httpPort + "/webhook");
            ExecutorService posters = Executors.newFixedThreadPool(16);
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < questions; i++) {
                int n = i;
                posts.add(posters.submit(() -> {
                    String body = IntakeBenchmarkTest.REQUEST.replace("this quarter?", "this quarter? (question " + n + ")");
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(webhook)
                            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 202) {
                        accepted.incrementAndGet();
                        trackingIds.add(Json.MAPPER.readTree(response.body()).path("tracking_id").asText());
                    }
                    return null;
                }));
            }
            for (Future<?> post : posts) {
                post.get(120, TimeUnit.SECONDS);
            }
            posters.shutdown();
            double queueSeconds = (System.nanoTime() - t0) / 1e9;

            // once the calls in flight stop rising, the live heap (after a full GC) at that plateau
            double liveAtPeak = Double.NaN;
            int expected = Math.min(questions, limit);
            int last = -1;
            while ((System.nanoTime() - t0) / 1e6 < latencyMs * 0.8) {
                int now = emulator.inFlight();
                if (now >= expected || (now == last && now > 0)) {
                    liveAtPeak = liveHeapMb(app);
                    break;
                }
                last = now;
                Thread.sleep(1000);
            }

            long idealMs = latencyMs * ((questions + limit - 1) / limit);
            // wait for every answer, but give up once nothing has been delivered for a minute (or at ideal + 2 min)
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idealMs) + TimeUnit.SECONDS.toNanos(120);
            long lastCount = -1;
            long lastProgress = System.nanoTime();
            while (receiver.receivedCount() < questions && System.nanoTime() < deadline
                    && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(60)) {
                long count = receiver.receivedCount();
                if (count != lastCount) {
                    lastCount = count;
                    lastProgress = System.nanoTime();
                }
                Thread.sleep(250);
            }
            sampler.interrupt();
            sampler.join(5000);
            List<ScriptedReceiver.Delivery> deliveries = receiver.deliveries();
            samples.add(sample(app, emulator, receiver, t0));
            Instant lastReceived = deliveries.stream().map(ScriptedReceiver.Delivery::receivedAt).max(Instant::compareTo)
                    .orElse(Instant.now());
            double totalSeconds = (System.nanoTime() - t0) / 1e9
                    - Duration.between(lastReceived, Instant.now()).toNanos() / 1e9;

            Set<String> distinct = new HashSet<>();
            long invalid = 0;
            long failed = 0;
            for (ScriptedReceiver.Delivery d : deliveries) {
                if (trackingIds.contains(d.trackingId())) {
                    distinct.add(d.trackingId());
                }
                if (!Boolean.TRUE.equals(d.signatureValid())) {
                    invalid++;
                }
                if (!"answered".equals(d.payload().path("status").asText())) {
                    failed++;
                }
            }
            Sample atPeak = samples.stream().filter(s -> s.emulatorInFlight() > 0)
                    .reduce((a, b) -> b.emulatorInFlight() > a.emulatorInFlight() ? b : a).orElse(samples.get(0));
            double maxHeap = maxOf(samples, Sample::heapUsedMb);
            double hwm = app.rss().vmHwmKb() / 1024.0;
            return new Run(limit, consumers, questions, latencyMs, heap, accepted.get(), receiver.receivedCount(),
                    distinct.size(), invalid, failed, emulator.totalCalls(), emulator.peakInFlight(),
                    maxOf(samples, Sample::gaugeInFlight), maxOf(samples, Sample::routeInFlight),
                    atPeak, maxHeap, hwm, liveIdle, liveAtPeak, rssIdle, queueSeconds, atPeak.atSeconds(), totalSeconds,
                    idealMs / 1000.0, List.copyOf(samples), app.logCount("\"level\":\"WARN\""), app.logCount("\"level\":\"ERROR\""),
                    app.logCount("OutOfMemoryError"));
        } finally {
            receiver.close();
            emulator.stop();
            sqs.stop();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The highest reading, skipping samples where the source could not be read (a scrape that timed out). */
    private static double maxOf(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
        return samples.stream().mapToDouble(field).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    private static Sample sample(GatewayProcess app, ProbedAgentEmulator emulator, ScriptedReceiver receiver, long t0) {
        int inFlight = emulator.inFlight();
        String metrics = app.metrics();
        GatewayProcess.Rss rss = app.rss();
        return new Sample(round((System.nanoTime() - t0) / 1e9), inFlight,
                GatewayProcess.sum(metrics, "gateway_agent_calls_in_flight"),
                GatewayProcess.sum(metrics, "camel_exchanges_inflight", "routeId=\"agent-invoke\""),
                round(GatewayProcess.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / 1024 / 1024),
                round(rss.vmRssKb() / 1024.0), round(rss.vmHwmKb() / 1024.0), receiver.receivedCount());
    }

    /** Heap used right after a full GC ({@code jcmd <pid> GC.run}): the live heap, in MB; NaN without jcmd. */
    private static double liveHeapMb(GatewayProcess app) {
        if (app.jcmd("GC.run") == null) {
            return Double.NaN;
        }
        return round(GatewayProcess.sum(app.metrics(), "jvm_memory_used_bytes", "area=\"heap\"") / 1024 / 1024);
    }

    static String table(List<Run> runs, double loadAtStart) {
        StringBuilder out = new StringBuilder();
        Run first = runs.get(0);
        out.append(String.format(Locale.ROOT, "Agent calls in flight: %d questions POSTed to one gateway (child JVM, -Xmx%s),"
                        + " agent answering after %.0f s; %d cores%n", first.questions(), first.heap(),
                first.latencyMs() / 1000.0, Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "%5s %4s | %6s %6s %6s | %8s %8s %8s | %7s %7s %6s | %6s %6s %7s %7s %6s | %s%n",
                "limit", "cons", "peak", "gauge", "route", "heap MB", "rss MB", "hwm MB", "live0", "livePk", "KB/cv",
                "queue", "@peak", "total s", "ideal s", "ratio", "delivered, OOM log lines"));
        for (Run r : runs) {
            out.append(String.format(Locale.ROOT, "%5d %4d | %6d %6s %6s | %8.1f %8.1f %8.1f | %7.1f %7.1f %6.1f | %6.1f %6.1f %7.1f %7.1f %6.2f | %d/%d, %d%n",
                    r.limit(), r.consumers(), r.emulatorPeak(), fmt(r.gaugePeak()), fmt(r.routePeak()),
                    r.atPeak().heapUsedMb(), r.atPeak().rssMb(), r.hwmMb(), r.liveHeapIdleMb(), r.liveHeapAtPeakMb(),
                    r.liveKbPerConversation(), r.queueSeconds(), r.secondsToPeak(), r.totalSeconds(), r.idealSeconds(),
                    r.totalOverIdeal(), r.distinctDelivered(), r.questions(), r.outOfMemoryLines()));
        }
        for (Run r : runs) {
            boolean met = r.emulatorPeak() >= r.questions() && r.distinctDelivered() == r.questions() && r.outOfMemoryLines() == 0;
            if (r.limit() >= r.questions()) {
                out.append(String.format(Locale.ROOT, "Goal (limit %d): %d conversations in flight within a %s heap: %s"
                                + " (peak %d, %d delivered, %d OutOfMemoryError log lines)%n", r.limit(), r.questions(), r.heap(),
                        met ? "MET" : "NOT MET", r.emulatorPeak(), r.distinctDelivered(), r.outOfMemoryLines()));
            }
        }
        out.append(String.format(Locale.ROOT, "peak: most agent calls open at the emulator at once; gauge: the app's"
                + " gateway_agent_calls_in_flight (- if not exposed); route: agent-invoke exchanges in flight;%n"
                + "heap/rss at the peak sample; hwm: peak RSS (VmHWM); live0/livePk: heap after a full GC idle / at the"
                + " peak; KB/cv: (livePk-live0)/peak;%n"
                + "queue: s to POST all; @peak: s to the peak sample; ratio: total/ideal, ideal = latency x ceil(questions/limit);"
                + " load average %.2f at start, %.2f now%n", loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return out.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static void write(Path dir, List<Run> runs, double loadAtStart) throws Exception {
        ObjectNode root = BenchmarkReport.jsonHeader("agent-in-flight", loadAtStart);
        root.put("setup", "gateway as child process java -Xmx<heap> -jar; SQS (ElasticMQ), agent emulator and receiver in the"
                + " benchmark JVM; questions POSTed to /webhook from 16 threads");
        ArrayNode list = root.putArray("runs");
        for (Run r : runs) {
            ObjectNode n = list.addObject();
            n.put("agent_max_in_flight", r.limit());
            n.put("agent_consumers", r.consumers());
            n.put("questions", r.questions());
            n.put("agent_latency_ms", r.latencyMs());
            n.put("max_heap", r.heap());
            n.put("accepted", r.accepted());
            n.put("deliveries", r.delivered());
            n.put("distinct_delivered", r.distinctDelivered());
            n.put("invalid_signatures", r.invalidSignatures());
            n.put("failed_answers", r.failedAnswers());
            n.put("emulator_calls", r.emulatorCalls());
            n.put("peak_in_flight_at_emulator", r.emulatorPeak());
            putNumber(n, "peak_in_flight_gauge", r.gaugePeak());
            putNumber(n, "peak_agent_invoke_exchanges_in_flight", r.routePeak());
            putNumber(n, "heap_used_mb_at_peak", r.atPeak().heapUsedMb());
            putNumber(n, "rss_mb_at_peak", r.atPeak().rssMb());
            putNumber(n, "max_heap_used_mb", r.maxHeapUsedMb());
            putNumber(n, "peak_rss_mb_vmhwm", r.hwmMb());
            putNumber(n, "rss_mb_idle", r.rssIdleMb());
            putNumber(n, "live_heap_mb_idle", r.liveHeapIdleMb());
            putNumber(n, "live_heap_mb_at_peak", r.liveHeapAtPeakMb());
            putNumber(n, "live_heap_kb_per_conversation", round(r.liveKbPerConversation()));
            n.put("seconds_to_queue_all", round(r.queueSeconds()));
            n.put("seconds_to_peak_sample", r.secondsToPeak());
            n.put("total_seconds", round(r.totalSeconds()));
            n.put("ideal_seconds", r.idealSeconds());
            n.put("total_over_ideal", round(r.totalOverIdeal()));
            n.put("app_log_warn_lines", r.appWarnings());
            n.put("app_log_error_lines", r.appErrors());
            n.put("app_log_out_of_memory_lines", r.outOfMemoryLines());
            ArrayNode samples = n.putArray("samples");
            for (Sample s : r.samples()) {
                ObjectNode sn = samples.addObject();
                sn.put("t", s.atSeconds());
                sn.put("in_flight", s.emulatorInFlight());
                putNumber(sn, "gauge", s.gaugeInFlight());
                putNumber(sn, "route_in_flight", s.routeInFlight());
                putNumber(sn, "heap_mb", s.heapUsedMb());
                putNumber(sn, "rss_mb", s.rssMb());
                sn.put("delivered", s.delivered());
            }
        }
        BenchmarkReport.writeFiles(dir, "agent-in-flight", root, table(runs, loadAtStart));
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10) / 10.0;
    }
}
