package ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real jar started as an operator starts it ({@code java -jar}, settings as environment variables), in the
 * embedded default: every port setting moved and the whole flow still answers; each kind of failed start ends
 * the process, non-zero, with one ERROR line naming the setting; SIGTERM on an idle instance exits 0. The
 * times (launch to ready, stop, failed start to exit) are printed for the record and bounded only by generous
 * deadlines: what is asserted is the outcome. Children's logs are in {@code target/start-stop-it/}.
 */
class StartStopIT {

    static final Path JAR = Path.of("target", "ai-webhook-gateway.jar");
    static final Path OUT = Path.of("target", "start-stop-it");
    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String REQUEST = "{\"source_process\":\"start-stop-it\",\"timestamp\":\"2025-08-13T06:30:00Z\","
            + "\"source_system\":\"ops\",\"query\":\"Are the ports followed?\"}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void jarIsBuilt() throws IOException {
        assertThat(JAR).as("the fat jar (failsafe runs after package)").exists();
        Files.createDirectories(OUT);
    }

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void everyPortSettingMovedAndTheFlowStillAnswersThenAnIdleStopExitsZero() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String setting : List.of("HTTP_PORT", "MANAGEMENT_PORT", "EMBEDDED_SQS_PORT", "EMBEDDED_S3_PORT",
                "AGENT_EMULATOR_PORT", "LOCAL_RECEIVER_PORT")) {
            ports.put(setting, GatewayTestApp.freePort());
        }
        Map<String, String> env = new LinkedHashMap<>();
        ports.forEach((setting, port) -> env.put(setting, Integer.toString(port)));
        env.put("AGENT_EMULATOR_LATENCY_MS", "0");
        Path log = OUT.resolve("moved-ports.log");
        long launched = System.nanoTime();
        Process child = start(env, log);
        ChildReadiness.awaitReady(child, ports.get("MANAGEMENT_PORT"), log, DEADLINE);
        System.out.printf("moved ports: launch to ready %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));

        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get("HTTP_PORT") + "/webhook"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String trackingId = MAPPER.readTree(accepted.body()).get("tracking_id").asText();
        URI deliveries = URI.create("http://127.0.0.1:" + ports.get("LOCAL_RECEIVER_PORT") + "/deliveries");
        JsonNode delivery = null;
        for (long deadline = System.nanoTime() + DEADLINE.toNanos(); delivery == null && System.nanoTime() < deadline; ) {
            for (JsonNode received : MAPPER.readTree(http.send(HttpRequest.newBuilder(deliveries).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body())) {
                if (trackingId.equals(received.path("tracking_id").asText())) {
                    delivery = received;
                }
            }
            Thread.sleep(200);
        }
        assertThat(delivery).as("the answer reached the local receiver on LOCAL_RECEIVER_PORT\n%s", tail(log)).isNotNull();
        assertThat(delivery.path("signature_valid").asBoolean()).isTrue();
        assertThat(delivery.path("payload").path("type").asText()).isEqualTo("query.answered");

        Thread.sleep(500); // let the delivery's tracking writes finish: the stop below is an idle one
        long stopping = System.nanoTime();
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("stopped\n%s", tail(log)).isTrue();
        System.out.printf("moved ports: idle stop %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
        assertThat(child.exitValue()).as(tail(log)).isZero();
        assertThat(levels(log, "ERROR")).as("no ERROR in the whole run").isEmpty();
        assertThat(Files.readString(log)).contains("the long polls of webhook-requests.fifo were ended, not waited for");
    }

    @Test
    void aTakenPortEndsTheStartWithOneLineNamingItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = movedPorts();
            env.put("HTTP_PORT", Integer.toString(taken.getLocalPort()));
            assertFailedStart("port-in-use", env, "HTTP_PORT", "is already in use");
        }
    }

    @Test
    void aBadSettingEndsTheStartWithOneLineNamingIt() throws Exception {
        Map<String, String> env = movedPorts();
        env.put("GATEWAY_API_KEYS", "crm:short");
        assertFailedStart("short-key", env, "GATEWAY_API_KEYS", "at least 16 characters");
    }

    @Test
    void theProdChecksEndTheStartWithOneLineNamingTheMissingSettings() throws Exception {
        Map<String, String> env = movedPorts();
        env.put("CAMEL_MAIN_PROFILE", "prod");
        assertFailedStart("prod-checks", env, "Refusing to start (prod profile)", "BEDROCK_AGENT_ID is not set");
    }

    private void assertFailedStart(String name, Map<String, String> env, String... named) throws Exception {
        Path log = OUT.resolve(name + ".log");
        long launched = System.nanoTime();
        Process child = start(env, log);
        assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("%s: the process ended\n%s", name, tail(log)).isTrue();
        System.out.printf("%s: launch to exit %d ms%n", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
        assertThat(child.exitValue()).as(tail(log)).isNotZero();
        List<JsonNode> errors = levels(log, "ERROR");
        assertThat(errors).as("exactly one ERROR line\n%s", tail(log)).hasSize(1);
        assertThat(errors.get(0).path("message").asText()).startsWith("Start failed: ").contains(named);
        assertThat(Files.readString(log)).doesNotContain("stack_trace").doesNotContain("\tat ");
    }

    private static Map<String, String> movedPorts() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String setting : List.of("HTTP_PORT", "MANAGEMENT_PORT", "EMBEDDED_SQS_PORT", "EMBEDDED_S3_PORT",
                "AGENT_EMULATOR_PORT", "LOCAL_RECEIVER_PORT")) {
            env.put(setting, Integer.toString(GatewayTestApp.freePort()));
        }
        return env;
    }

    private Process start(Map<String, String> settings, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        for (String inherited : List.of("CAMEL_MAIN_PROFILE", "SQS_ENDPOINT", "S3_ENDPOINT", "BEDROCK_ENDPOINT", "WEBHOOK_URL",
                "GATEWAY_API_KEYS", "ADMIN_TOKEN")) {
            env.remove(inherited);
        }
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("MANAGEMENT_HOST", "127.0.0.1");
        env.putAll(settings);
        Process child = builder.start();
        children.add(child);
        return child;
    }

    private static List<JsonNode> levels(Path log, String level) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                JsonNode event = MAPPER.readTree(line);
                if (level.equals(event.path("level").asText())) {
                    lines.add(event);
                }
            }
        }
        return lines;
    }

    private static String tail(Path log) throws IOException {
        return ChildReadiness.tail(log);
    }
}
