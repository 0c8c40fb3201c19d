package ops;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.local.AgentEmulator;
import gateway.local.EmbeddedSqsServer;
import gateway.local.LocalReceiver;
import gateway.local.QueueProvisioner;
import gateway.testing.ApiContract;
import gateway.testing.ChildGatewayEnv.ProdDependencies;
import gateway.testing.ChildGatewayEnv;
import gateway.testing.EmbeddedS3;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code target/ai-webhook-gateway-prod.jar}, what the image runs: at most 60 MiB, no class of the local stand-ins
 * ({@code gateway.local}) nor of any library only they use, no production class that refers to one; and the whole
 * flow on it, in its prod profile, against stand-ins run by this test: a request in, the agent asked, the answer
 * delivered signed. It refuses the local profile it does not have. Children's logs are in {@code target/prod-jar-it/}.
 */
class ProdJarIT {

    static final Path JAR = Path.of("target", "ai-webhook-gateway-prod.jar");
    static final Path OUT = Path.of("target", "prod-jar-it");
    static final long MAX_BYTES = 60L * 1024 * 1024;
    static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Packages of the stand-ins and of the libraries only they use (ElasticMQ, S3Proxy and what they bring). */
    static final List<String> LOCAL_ONLY = List.of("gateway/local/", "org/elasticmq/", "org/apache/pekko/", "scala/",
            "org/gaul/", "org/jclouds/", "org/eclipse/jetty/", "com/google/inject/", "com/google/common/");
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void holdsNoLocalStandInNorTheirLibrariesAndNoProductionClassRefersToThem() throws IOException {
        assertThat(JAR).as("the prod jar (failsafe runs after package)").exists();
        System.out.printf("prod jar: %.1f MiB%n", Files.size(JAR) / (1024.0 * 1024.0));
        assertThat(Files.size(JAR)).as("prod jar size").isLessThanOrEqualTo(MAX_BYTES);
        List<String> found = new ArrayList<>();
        List<String> referring = new ArrayList<>();
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.equals("application-local.properties") || LOCAL_ONLY.stream().anyMatch(name::startsWith)) {
                    found.add(name);
                }
                if ((name.startsWith("gateway/") || name.startsWith("routes/")) && name.endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        // class names in the constant pool are plain UTF-8 ("gateway/local/AgentEmulator")
                        String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                        LOCAL_ONLY.stream().filter(bytes::contains).forEach(p -> referring.add(name + " -> " + p));
                    }
                }
            }
        }
        assertThat(found).as("entries of the local stand-ins or their libraries").isEmpty();
        assertThat(referring).as("production classes referring to them").isEmpty();
    }

    @Test
    void runsTheWholeFlowInItsProdProfile() throws Exception {
        Files.createDirectories(OUT);
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        sqs.start();
        ProbedAgentEmulator agent = new ProbedAgentEmulator(AgentEmulator.Settings.defaults().withLatencyMillis(0)).start();
        try (EmbeddedS3 s3 = EmbeddedS3.start("prod-jar-it");
             SqsClient sqsClient = LocalAws.sqs(sqs.endpoint());
             ScriptedReceiver receiver = ScriptedReceiver.startOnRandomPort(ReceiverAndApp.SECRET)) {
            QueueProvisioner queues = new QueueProvisioner(sqsClient);
            queues.ensureQueueWithDeadLetterQueue("prod-jar-requests.fifo", GatewayTestApp.dlqOf("prod-jar-requests.fifo"), 6, 30);
            queues.ensureQueueWithDeadLetterQueue("prod-jar-deliveries", GatewayTestApp.dlqOf("prod-jar-deliveries"), 6, 30);
            int httpPort = GatewayTestApp.freePort();
            int managementPort = GatewayTestApp.freePort();
            Map<String, String> env = ChildGatewayEnv.prodOnLoopback(httpPort, managementPort, new ProdDependencies(
                    sqs.endpoint(), s3.server().endpoint(), "prod-jar-it", "prod-jar-requests.fifo", "prod-jar-deliveries",
                    agent.baseUrl(), receiver.url(), ReceiverAndApp.SECRET));
            env.put("SQS_WAIT_TIME_SECONDS", "1");
            Path log = OUT.resolve("prod-flow.log");
            Process child = start(env, log);
            try {
                ChildReadiness.awaitReady(child, managementPort, log, DEADLINE);
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + httpPort + "/webhook"))
                        .header("Content-Type", "application/json").header("X-API-Key", "bench-api-key-0123456789")
                        .POST(HttpRequest.BodyPublishers.ofString(StartStopIT.REQUEST)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                assertThat(ApiContract.gateway().checkResponse("POST", accepted.uri(), 202, accepted.headers().map(),
                        accepted.body())).isEmpty();
                // the prod jar serves both OpenAPI documents, as the repository has them
                for (int port : new int[] {httpPort, managementPort}) {
                    HttpResponse<String> document = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/openapi.json")).GET().build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(MAPPER.readTree(document.body()))
                            .isEqualTo((port == httpPort ? ApiContract.gateway() : ApiContract.admin()).document());
                }
                String trackingId = MAPPER.readTree(accepted.body()).get("tracking_id").asText();
                LocalReceiver.Delivery delivery = receiver.awaitDeliveries(1, DEADLINE).get(0);
                assertThat(delivery.trackingId()).isEqualTo(trackingId);
                assertThat(delivery.signatureValid()).isTrue();
                assertThat(delivery.payload().path("type").asText()).isEqualTo("query.answered");
                assertThat(agent.totalCalls()).isEqualTo(1);

                child.destroy(); // SIGTERM
                assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("stopped\n%s", tail(log)).isTrue();
                assertThat(child.exitValue()).as(tail(log)).isZero();
                assertThat(Files.readString(log)).doesNotContain("\"level\":\"ERROR\"");
            } finally {
                child.destroyForcibly();
            }
        } finally {
            agent.stop();
            sqs.stop();
        }
    }

    @Test
    void refusesTheLocalProfileItDoesNotHave() throws Exception {
        Files.createDirectories(OUT);
        for (String profile : List.of("local", "dev")) {
            Path log = OUT.resolve("profile-" + profile + ".log");
            Process child = start(Map.of("CAMEL_MAIN_PROFILE", profile), log);
            assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("ended\n%s", tail(log)).isTrue();
            assertThat(child.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains("Start failed: CAMEL_MAIN_PROFILE=" + profile
                    + " needs the full jar").doesNotContain("\tat ");
        }
    }

    private Process start(Map<String, String> settings, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        for (String inherited : List.of("CAMEL_MAIN_PROFILE", "SQS_ENDPOINT", "S3_ENDPOINT", "BEDROCK_ENDPOINT",
                "WEBHOOK_URL", "GATEWAY_API_KEYS", "ADMIN_TOKEN")) {
            env.remove(inherited);
        }
        env.putAll(settings);
        return builder.start();
    }

    private static String tail(Path log) throws IOException {
        return ChildReadiness.tail(log);
    }
}
