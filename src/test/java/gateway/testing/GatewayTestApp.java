package gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import gateway.GatewayApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The real gateway application, started in-process exactly as {@code java -jar} starts it (same
 * {@link GatewayApplication#newMain()}, same properties and profile), on free ports, with test overrides.
 */
public final class GatewayTestApp implements AutoCloseable {

    private final Main main;
    private final ProbedAgentEmulator agent;
    private final int httpPort;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayTestApp(String profile, Map<String, String> overrides) throws Exception {
        this.httpPort = freePort();
        this.managementPort = freePort();
        main = profile == null ? GatewayApplication.newMain() : GatewayApplication.newMain(profile);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("camel.server.port", Integer.toString(httpPort));
        all.put("camel.server.host", "127.0.0.1");
        all.put("camel.management.port", Integer.toString(managementPort));
        all.put("camel.management.host", "127.0.0.1");
        all.put("gateway.local.sqs-port", "0");
        all.put("gateway.local.agent-port", "0");
        all.put("gateway.local.agent-latency-ms", "0");
        all.put("gateway.local.receiver-port", "0");
        // short waits so tests are fast: long polling, retries and schedules are settings
        all.put("gateway.sqs.wait-time-seconds", "1");
        all.put("gateway.sqs.consumer-visibility-seconds", "4");
        all.put("gateway.agent.retry.delay-ms", "100");
        all.put("gateway.delivery.retry.delay-ms", "100");
        all.put("gateway.delivery.retry.max-delay-ms", "1000");
        all.put("gateway.delivery.retry-after.max-ms", "3000");
        all.put("gateway.delivery.schedule", "1s,1s");
        all.put("camel.main.shutdownTimeout", "5");
        all.put("gateway.local.s3-port", "0");
        all.put("gateway.tracking.store-retry-delay-ms", "20");
        // the dead-letter sweep takes DLQ entries out of sight for a moment: only the tests of it turn it on
        all.put("gateway.dlq.sweep-enabled", "false");
        all.putAll(overrides);
        // the local profile's agent: the tests' probed emulator (what calls it saw, in which order), unless the test
        // names an agent endpoint itself (an empty one: the local profile's own emulator, as LocalProfileTest checks)
        if (profile == null && !overrides.containsKey("gateway.agent.endpoint")) {
            long latency = Long.parseLong(all.get("gateway.local.agent-latency-ms"));
            agent = new ProbedAgentEmulator(gateway.local.AgentEmulator.Settings.defaults().withLatencyMillis(latency)).start();
            all.put("gateway.agent.endpoint", agent.baseUrl());
        } else {
            agent = null;
        }
        all.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception | Error e) {
            if (agent != null) {
                agent.stop();
            }
            throw e;
        }
    }

    /** The agent the app asks (the tests' probed emulator); {@link IllegalStateException} when the test named its own. */
    public ProbedAgentEmulator agent() {
        if (agent == null) {
            throw new IllegalStateException("this app asks an agent the test named (gateway.agent.endpoint)");
        }
        return agent;
    }

    public static GatewayTestApp start() throws Exception {
        return new GatewayTestApp(null, Map.of());
    }

    public static GatewayTestApp start(Map<String, String> overrides) throws Exception {
        return new GatewayTestApp(null, overrides);
    }

    /** The application with another profile than the environment's (e.g. {@code prod}). */
    public static GatewayTestApp start(String profile, Map<String, String> overrides) throws Exception {
        return new GatewayTestApp(profile, overrides);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Stops a route (e.g. a later stage, to look at what an earlier stage queued). */
    public GatewayTestApp stopRoute(String routeId) throws Exception {
        context().getRouteController().stopRoute(routeId);
        return this;
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public SqsClient sqs() {
        return context().getRegistry().lookupByNameAndType("sqsClient", SqsClient.class);
    }

    public String property(String key) {
        return context().resolvePropertyPlaceholders("{{" + key + "}}");
    }

    /** The name of a work queue's DLQ ({@code requests} or {@code deliveries}), as the settings give it. */
    public String dlq(String role) {
        return property("gateway.queue." + role + "-dlq");
    }

    /**
     * A DLQ name for a queue a test makes itself, as the defaults name them ({@code x.fifo -> x-dlq.fifo},
     * {@code x -> x-dlq}): the app itself takes every DLQ name from its settings.
     */
    public static String dlqOf(String queue) {
        return queue.endsWith(".fifo") ? queue.substring(0, queue.length() - 5) + "-dlq.fifo" : queue + "-dlq";
    }

    public String queueUrl(String queueName) {
        return sqs().getQueueUrl(r -> r.queueName(queueName)).queueUrl();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public URI managementUrl(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    public int httpPort() {
        return httpPort;
    }

    /**
     * Sends a request to the app; its answer must be what the app's OpenAPI document says ({@link ApiContract}: the
     * public document on the business port, the admin one on the management port), or this throws.
     */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int port = request.uri().getPort();
        ApiContract contract = port == httpPort ? ApiContract.gateway() : port == managementPort ? ApiContract.admin() : null;
        if (contract != null) {
            ContractViolations.check(contract.checkResponse(request.method(), request.uri(), response.statusCode(),
                    response.headers().map(), response.body()));
            if (response.statusCode() / 100 == 2) {
                ContractViolations.check(contract.checkAcceptedRequest(request.method(), request.uri(),
                        request.headers().firstValue("Content-Type").orElse(null), bodyOf(request)));
            }
        }
        return response;
    }

    /** The body a request sends (its publisher, read once more), or null. */
    private static String bodyOf(HttpRequest request) {
        if (request.bodyPublisher().isEmpty() || request.bodyPublisher().get().contentLength() == 0) {
            return null;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<String> done = new java.util.concurrent.CompletableFuture<>();
        request.bodyPublisher().get().subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        try {
            return done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the request's body cannot be read again", e);
        }
    }

    public HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    /** Receives (and deletes) every message now on the queue. */
    public List<Message> drain(String queueName) {
        String url = queueUrl(queueName);
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            for (Message m : batch) {
                sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            all.addAll(batch);
        }
    }

    /** Visible plus in-flight messages on the queue (SQS's approximate counts, exact on ElasticMQ). */
    public int depth(String queueName) {
        Map<QueueAttributeName, String> attrs = sqs().getQueueAttributes(r -> r.queueUrl(queueUrl(queueName))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            if (agent != null) {
                agent.stop();
            }
        }
    }

    /** Ports this JVM has handed out: the OS may offer a just-closed port again, which two servers can't share. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free loopback port never handed out before by this JVM (callers often ask for several in a row), below the
     * kernel's ephemeral range: a port of that range that was free when asked could be taken as the local port of any
     * outbound connection (the tests make thousands) before the server binds it, and its start then fails with
     * "Address already in use".
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        int below = EPHEMERAL_LOW;
        // surefire runs test classes in several JVMs at once: each picks in a slice of its own, so two never pick the
        // same port in the moment between the check below and the server's bind
        int forks = Math.max(1, Integer.getInteger("test.forks", 1));
        int fork = Math.min(forks, Math.max(1, Integer.getInteger("test.fork", 1)));
        int slice = (below - below / 2) / forks;
        int from = below / 2 + (fork - 1) * slice;
        int to = fork == forks ? below : from + slice;
        for (int tries = 0; tries < 1000; tries++) {
            int port = random.nextInt(from, to);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            } catch (IOException inUse) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port below " + below);
    }

    /** The low end of the kernel's ephemeral port range (Linux; 32768 where it cannot be read). */
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private static int ephemeralLow() {
        try {
            // read line by line: procfs reports a size of 0, and Files.readString then reads the first byte only ("3")
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Math.max(2048, Integer.parseInt(range.strip().split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
