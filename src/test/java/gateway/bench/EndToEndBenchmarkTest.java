package gateway.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentAnswerCollector;
import gateway.agent.PromptBuilder;
import gateway.bench.ClosedLoopLoad.Result;
import gateway.testing.ScriptedReceiver;
import gateway.delivery.WebhookSigner;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end overhead ({@code mvn -B -Pbenchmark verify}, see docs/benchmark.md): the real application in-process
 * with a zero-latency agent emulator, delivering to a {@link ScriptedReceiver} in this JVM. {@code callers} closed-loop
 * callers each POST a question, note when the 202 arrived, wait for the webhook carrying its tracking id and ask
 * again; overhead = the receiver's {@code receivedAt} − the 202's arrival (one clock, one JVM).
 *
 * <p>In the same run, taking turns in slices with the flow, the bare hops the flow is made of, each at the same
 * concurrency: SQS SendMessage + ReceiveMessage + DeleteMessage on a requests-like and on a deliveries-like
 * queue (the messages the app itself queued for one question, same bodies and attributes), one InvokeAgent call
 * to the app's emulator through the SDK's async client, and one HTTP POST of a delivered webhook body to a
 * receiver like the gateway's. Reported: overhead p50/p99 per concurrency and its ratio to the sum of the hops.
 * Asserts only sanity: every POST accepted, every answer delivered once, signed, as an answer; no hop failed.
 *
 * <p>Settings: {@code bench.e2e.callers} (1,32), {@code bench.e2e.seconds} (12, flow measured per level, in
 * {@code bench.e2e.rounds} (3) slices), {@code bench.e2e.hop.seconds} (1.5, per hop and slice),
 * {@code bench.e2e.app.<key>=<value>} to start the app with a property overridden.
 */
@Tag("benchmark")
class EndToEndBenchmarkTest {

    static final long HIGHEST = TimeUnit.SECONDS.toNanos(120);
    static final double GOAL_P50_MS = 50.0;
    static final List<String> HOPS = List.of("sqs-requests", "sqs-deliveries", "agent", "http-post");

    /** The flow at one concurrency: overhead (202 → webhook) and the whole call (POST sent → webhook). */
    record Flow(int callers, long conversations, long failures, String firstFailure, Histogram overhead,
                Histogram post, double seconds) {
        Flow merge(Flow o) {
            Histogram ov = overhead.copy();
            ov.add(o.overhead);
            Histogram p = post.copy();
            p.add(o.post);
            return new Flow(callers, conversations + o.conversations, failures + o.failures,
                    firstFailure != null ? firstFailure : o.firstFailure, ov, p, seconds + o.seconds);
        }
    }

    record Level(int callers, Flow flow, Map<String, Result> hops) {
        double hopSum(double percentile) {
            return hops.values().stream().mapToDouble(r -> ms(r.histogram().getValueAtPercentile(percentile))).sum();
        }

        double overhead(double percentile) {
            return ms(flow.overhead().getValueAtPercentile(percentile));
        }
    }

    @Test
    void overheadAgainstBareHops() throws Exception {
        int[] levels = Arrays.stream(System.getProperty("bench.e2e.callers", "1,32").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        Duration flowWindow = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("bench.e2e.seconds", "12")) * 1000));
        Duration hopWindow = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("bench.e2e.hop.seconds", "1.5")) * 1000));
        int rounds = Integer.getInteger("bench.e2e.rounds", 3);
        Path out = Path.of(System.getProperty("bench.output", "target/benchmark"));
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        String secret = WebhookSigner.generateSecret();
        Vertx vertx = Vertx.vertx();
        // (a benchmark measures speed: the contract of its deliveries is the test suite's)
        ScriptedReceiver receiver = new ScriptedReceiver(vertx, 0, secret, 100_000).withoutContractCheck().start();
        // the bare HTTP hop posts to a receiver of its own (same code, same Vert.x), so it never mixes with the flow's
        ScriptedReceiver hopReceiver = new ScriptedReceiver(vertx, 0, secret, 10).withoutContractCheck().start();
        Map<String, String> overrides = new TreeMap<>();
        overrides.put("gateway.webhook.url", receiver.url());
        overrides.put("gateway.webhook.signing.secret", secret);
        overrides.put("gateway.local.agent-latency-ms", "0");
        // the shipped defaults, not the route tests' short ones: a long poll answers as soon as a message arrives
        overrides.put("gateway.sqs.wait-time-seconds", "20");
        overrides.put("gateway.sqs.consumer-visibility-seconds", "30");
        overrides.put("gateway.rate-limit.per-minute", "0");
        // the two later stages start once the messages of one question have been copied for the SQS hops
        overrides.put("gateway.agent.stage-enabled", "false");
        overrides.put("gateway.delivery.stage-enabled", "false");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.e2e.app."))
                .forEach(k -> overrides.put(k.substring("bench.e2e.app.".length()), System.getProperty(k)));

        Dispatcher dispatcher = new Dispatcher(receiver);
        try (GatewayTestApp app = GatewayTestApp.start(overrides);
             BedrockAgentRuntimeAsyncClient agent = agentClient(app.property("gateway.agent.endpoint"))) {
            dispatcher.start();
            SqsClient sqs = app.sqs();
            // what the app queues for one question, taken from its own queues, for the SQS hops
            Message requestMessage;
            Message deliveryMessage;
            assertThat(app.postJson("/webhook", IntakeBenchmarkTest.REQUEST).statusCode()).isEqualTo(202);
            requestMessage = awaitOne(app, app.property("gateway.queue.requests"));
            sqs.sendMessage(IntakeBenchmarkTest.once(copy(requestMessage, app.queueUrl(app.property("gateway.queue.requests")))));
            app.context().getRouteController().startRoute("agent-invoke");
            deliveryMessage = awaitOne(app, app.property("gateway.queue.deliveries"));
            sqs.sendMessage(copy(deliveryMessage, app.queueUrl(app.property("gateway.queue.deliveries"))));
            app.context().getRouteController().startRoute("webhook-deliver");
            ScriptedReceiver.Delivery sample = receiver.awaitDeliveries(1, Duration.ofSeconds(60)).get(0);
            String webhookBody = sample.body();
            String prompt = new PromptBuilder().build(Json.MAPPER.readTree(IntakeBenchmarkTest.REQUEST).path("query").asText());

            String hopRequestsUrl = sqs.createQueue(r -> r.queueName("bench-hop-requests")).queueUrl();
            String hopDeliveriesUrl = sqs.createQueue(r -> r.queueName("bench-hop-deliveries")).queueUrl();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            Map<String, ClosedLoopLoad.Call> hops = new LinkedHashMap<>();
            hops.put("sqs-requests", sqsRoundTrip(sqs, copy(requestMessage, hopRequestsUrl)));
            hops.put("sqs-deliveries", sqsRoundTrip(sqs, copy(deliveryMessage, hopDeliveriesUrl)));
            hops.put("agent", () -> {
                AgentAnswerCollector collector = new AgentAnswerCollector(98_304, 100);
                agent.invokeAgent(b -> b.agentId(app.property("gateway.agent.id")).agentAliasId(app.property("gateway.agent.alias-id"))
                        .sessionId(UUID.randomUUID().toString()).enableTrace(true).inputText(prompt), collector)
                        .get(30, TimeUnit.SECONDS);
                return !collector.answer().isEmpty();
            });
            HttpRequest hopPost = HttpRequest.newBuilder(URI.create(hopReceiver.url())).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(webhookBody)).build();
            hops.put("http-post", () -> http.send(hopPost, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            URI webhook = app.url("/webhook");
            List<Level> results = new ArrayList<>();
            for (int callers : levels) {
                // warm-up of everything at this concurrency, then flow and hops take turns in slices
                flow(http, webhook, dispatcher, callers, Duration.ofSeconds(3), Duration.ofMillis(1));
                for (Map.Entry<String, ClosedLoopLoad.Call> hop : hops.entrySet()) {
                    ClosedLoopLoad.run(hop.getKey(), callers, Duration.ofSeconds(1), Duration.ofMillis(1), 1_000_000, hop.getValue());
                }
                Flow flow = null;
                Map<String, Result> hopResults = new LinkedHashMap<>();
                for (int round = 0; round < rounds; round++) {
                    Flow f = flow(http, webhook, dispatcher, callers, Duration.ofMillis(300), flowWindow.dividedBy(rounds));
                    flow = flow == null ? f : flow.merge(f);
                    for (Map.Entry<String, ClosedLoopLoad.Call> hop : hops.entrySet()) {
                        Result r = ClosedLoopLoad.run(hop.getKey(), callers, Duration.ofMillis(200), hopWindow, 1_000_000, hop.getValue());
                        hopResults.merge(hop.getKey(), r, Result::merge);
                    }
                }
                results.add(new Level(callers, flow, hopResults));
                System.out.print(table(results, loadAtStart));
            }
            write(out, results, loadAtStart);
            System.out.print(table(results, loadAtStart));

            for (Level level : results) {
                assertThat(level.flow().failures()).as("%d callers: every question accepted and its answer delivered"
                        + " (first failure: %s)", level.callers(), level.flow().firstFailure()).isZero();
                assertThat(level.flow().conversations()).as("%d callers: conversations measured", level.callers()).isPositive();
                for (Result r : level.hops().values()) {
                    assertThat(r.failures()).as("hop %s at %d: every call as expected (first failure: %s)", r.scenario(),
                            r.clients(), r.firstFailure()).isZero();
                }
            }
            assertThat(dispatcher.unexpected()).as("deliveries that were not signed answers").isEmpty();
        } finally {
            dispatcher.stop();
            hopReceiver.close();
            receiver.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Hands each delivery to the caller waiting for its tracking id. */
    static final class Dispatcher {
        private final ScriptedReceiver receiver;
        private final Map<String, CompletableFuture<ScriptedReceiver.Delivery>> waiting = new ConcurrentHashMap<>();
        private final List<String> unexpected = new ArrayList<>();
        private volatile boolean running = true;
        private final Thread thread;

        Dispatcher(ScriptedReceiver receiver) {
            this.receiver = receiver;
            this.thread = new Thread(this::loop, "bench-e2e-dispatcher");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }

        CompletableFuture<ScriptedReceiver.Delivery> await(String trackingId) {
            return waiting.computeIfAbsent(trackingId, k -> new CompletableFuture<>());
        }

        void forget(String trackingId) {
            waiting.remove(trackingId);
        }

        synchronized List<String> unexpected() {
            return List.copyOf(unexpected);
        }

        private void loop() {
            int seen = 0;
            while (running) {
                List<ScriptedReceiver.Delivery> all;
                try {
                    all = receiver.awaitDeliveries(seen + 1, Duration.ofMillis(500));
                } catch (AssertionError timeout) {
                    continue;
                }
                for (ScriptedReceiver.Delivery d : all.subList(seen, all.size())) {
                    if (!Boolean.TRUE.equals(d.signatureValid()) || !"answered".equals(d.payload().path("status").asText())) {
                        synchronized (this) {
                            unexpected.add(d.trackingId() + ": signature " + d.signatureValid() + ", status "
                                    + d.payload().path("status").asText());
                        }
                    }
                    await(d.trackingId()).complete(d);
                }
                seen = all.size();
            }
        }
    }

    /** {@code callers} threads, each: POST, note the 202, wait for its webhook, again. */
    static Flow flow(HttpClient http, URI webhook, Dispatcher dispatcher, int callers, Duration warmup, Duration window)
            throws InterruptedException {
        AtomicLong measureStart = new AtomicLong(Long.MAX_VALUE);
        AtomicLong measureEnd = new AtomicLong(Long.MAX_VALUE);
        AtomicLong conversations = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Histogram> overheads = new ArrayList<>();
        List<Histogram> posts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Histogram overhead = new Histogram(HIGHEST, 3);
            Histogram post = new Histogram(HIGHEST, 3);
            overheads.add(overhead);
            posts.add(post);
            int caller = i;
            Thread t = new Thread(() -> {
                long n = 0;
                while (true) {
                    long start = System.nanoTime();
                    if (start >= measureEnd.get()) {
                        return;
                    }
                    String body = IntakeBenchmarkTest.REQUEST.replace("this quarter?", "this quarter? (caller " + caller + ", " + n++ + ")");
                    String trackingId = null;
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        Instant accepted = Instant.now();
                        long acceptedNanos = System.nanoTime();
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
                        }
                        trackingId = Json.MAPPER.readTree(response.body()).path("tracking_id").asText();
                        ScriptedReceiver.Delivery d = dispatcher.await(trackingId).get(60, TimeUnit.SECONDS);
                        if (start >= measureStart.get()) {
                            overhead.recordValue(Math.max(0, Math.min(HIGHEST, Duration.between(accepted, d.receivedAt()).toNanos())));
                            post.recordValue(Math.min(HIGHEST, acceptedNanos - start));
                            conversations.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    } finally {
                        if (trackingId != null) {
                            dispatcher.forget(trackingId);
                        }
                    }
                }
            }, "bench-e2e-caller-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Thread.sleep(warmup.toMillis());
        long begin = System.nanoTime();
        measureStart.set(begin);
        Thread.sleep(window.toMillis());
        long end = System.nanoTime();
        measureEnd.set(end);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
        Histogram overhead = new Histogram(HIGHEST, 3);
        overheads.forEach(overhead::add);
        Histogram post = new Histogram(HIGHEST, 3);
        posts.forEach(post::add);
        return new Flow(callers, conversations.get(), failures.get(), firstFailure.get(), overhead, post, (end - begin) / 1e9);
    }

    static ClosedLoopLoad.Call sqsRoundTrip(SqsClient sqs, SendMessageRequest send) {
        String url = send.queueUrl();
        return () -> {
            sqs.sendMessage(IntakeBenchmarkTest.once(send));
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(20)
                    .messageAttributeNames("All")).messages();
            if (got.isEmpty()) {
                return false;
            }
            sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
            return true;
        };
    }

    static SendMessageRequest copy(Message m, String queueUrl) {
        return SendMessageRequest.builder().queueUrl(queueUrl).messageBody(m.body()).messageAttributes(m.messageAttributes()).build();
    }

    static Message awaitOne(GatewayTestApp app, String queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<Message> got = app.drain(queue);
            if (!got.isEmpty()) {
                return got.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing on " + queue + " within 60 s");
    }

    static BedrockAgentRuntimeAsyncClient agentClient(String endpoint) {
        return BedrockAgentRuntimeAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(256))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(endpoint))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static String table(List<Level> levels, double loadAtStart) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "End-to-end overhead: POST accepted (202) -> webhook received, zero-latency agent,"
                + " closed-loop callers; bare hops at the same concurrency in the same run; %d cores%n",
                Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "%7s | %6s %8s %8s %8s | %8s | %-30s | %8s %8s | %6s %6s | %s%n",
                "callers", "n", "p50 ms", "p99 ms", "max ms", "POST p50", "hop p50 ms: sqsReq sqsDel agent http",
                "sum p50", "sum p99", "p50 x", "p99 x", "goal p50<50ms"));
        for (Level l : levels) {
            StringBuilder hops = new StringBuilder();
            for (String hop : HOPS) {
                Result r = l.hops().get(hop);
                hops.append(String.format(Locale.ROOT, "%6.2f ", r.p50Ms()));
            }
            out.append(String.format(Locale.ROOT, "%7d | %6d %8.2f %8.2f %8.1f | %8.2f | %-30s | %8.2f %8.2f | %6.2f %6.2f | %s%n",
                    l.callers(), l.flow().conversations(), l.overhead(50), l.overhead(99), ms(l.flow().overhead().getMaxValue()),
                    ms(l.flow().post().getValueAtPercentile(50)), "           " + hops.toString().trim(),
                    l.hopSum(50), l.hopSum(99), l.overhead(50) / l.hopSum(50), l.overhead(99) / l.hopSum(99),
                    l.overhead(50) < GOAL_P50_MS ? "MET" : "NOT MET"));
        }
        out.append(String.format(Locale.ROOT, "sum: sqsReq + sqsDel + agent + http, each a Send+Receive+Delete round trip or one call"
                + " (p50s added, p99s added); p50 x / p99 x: overhead over that sum;%n"
                + "load average %.2f at start, %.2f now%n", loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return out.toString();
    }

    static void write(Path dir, List<Level> levels, double loadAtStart) throws Exception {
        ObjectNode root = BenchmarkReport.jsonHeader("end-to-end", loadAtStart);
        root.put("goal_p50_overhead_ms", GOAL_P50_MS);
        ArrayNode list = root.putArray("levels");
        for (Level l : levels) {
            ObjectNode n = list.addObject();
            n.put("callers", l.callers());
            ObjectNode flow = n.putObject("overhead");
            flow.put("conversations", l.flow().conversations());
            flow.put("seconds", Math.round(l.flow().seconds() * 100) / 100.0);
            flow.put("p50_ms", l.overhead(50));
            flow.put("p90_ms", l.overhead(90));
            flow.put("p99_ms", l.overhead(99));
            flow.put("max_ms", ms(l.flow().overhead().getMaxValue()));
            flow.put("post_p50_ms", ms(l.flow().post().getValueAtPercentile(50)));
            flow.put("post_p99_ms", ms(l.flow().post().getValueAtPercentile(99)));
            ObjectNode hops = n.putObject("hops");
            for (String hop : HOPS) {
                Result r = l.hops().get(hop);
                ObjectNode h = hops.putObject(hop);
                h.put("calls", r.requests());
                h.put("p50_ms", r.p50Ms());
                h.put("p99_ms", r.p99Ms());
                h.put("max_ms", r.maxMs());
            }
            n.put("hop_sum_p50_ms", round(l.hopSum(50)));
            n.put("hop_sum_p99_ms", round(l.hopSum(99)));
            n.put("overhead_p50_over_hop_sum_p50", round(l.overhead(50) / l.hopSum(50)));
            n.put("overhead_p99_over_hop_sum_p99", round(l.overhead(99) / l.hopSum(99)));
            n.put("goal_p50_met", l.overhead(50) < GOAL_P50_MS);
        }
        BenchmarkReport.writeFiles(dir, "end-to-end", root, table(levels, loadAtStart));
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
