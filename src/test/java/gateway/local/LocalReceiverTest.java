package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.delivery.WebhookSigner;
import gateway.local.LocalReceiver.Delivery;
import gateway.local.LocalReceiver.Response;
import gateway.testing.ScriptedReceiver;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalReceiverTest {

    private static final String SECRET = WebhookSigner.generateSecret();
    // generous: only reached when something is wrong (a busy machine must not fail the tests)
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Vertx vertx;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final WebhookSigner signer = new WebhookSigner(SECRET);
    private ScriptedReceiver receiver;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void closeReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private ScriptedReceiver receiver(String secrets, int capacity) {
        receiver = new ScriptedReceiver(vertx, 0, secrets, capacity).withoutContractCheck().start();
        return receiver;
    }

    private static String body(String trackingId, String status, String query, String plain) {
        return "{\"type\":\"query." + status + "\",\"status\":\"" + status + "\",\"tracking_id\":\"" + trackingId + "\","
                + "\"original_query\":\"" + query + "\",\"ai_response\":{\"response_plain\":\"" + plain + "\"}}";
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(receiver.url().replaceAll("/$", "") + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postSigned(String trackingId, String body) throws Exception {
        Map<String, String> headers = new java.util.HashMap<>(
                signer.headers("msg_" + trackingId, Instant.now().getEpochSecond(), body));
        headers.put("X-Tracking-ID", trackingId);
        headers.put("X-Webhook-Source", "revops-ai-framework");
        return post("/", body, headers);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(receiver.url().replaceAll("/$", "") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void recordsASignedDeliveryAndChecksItsSignature() throws Exception {
        receiver(SECRET, 10);
        String body = body("t-1", "answered", "q", "Revenue €1.8M 🎉");

        HttpResponse<String> response = postSigned("t-1", body);

        assertThat(response.statusCode()).isEqualTo(200);
        List<Delivery> deliveries = receiver.awaitDeliveries(1, WAIT);
        assertThat(deliveries).hasSize(1);
        Delivery d = deliveries.get(0);
        assertThat(d.signatureValid()).isTrue();
        assertThat(d.body()).isEqualTo(body);
        assertThat(d.trackingId()).isEqualTo("t-1");
        assertThat(d.webhookId()).isEqualTo("msg_t-1");
        assertThat(d.header("x-webhook-source")).isEqualTo("revops-ai-framework");
        assertThat(d.header("WEBHOOK-SIGNATURE")).startsWith("v1,");
        assertThat(d.payload().at("/ai_response/response_plain").asText()).isEqualTo("Revenue €1.8M 🎉");
        assertThat(d.respondedStatus()).isEqualTo(200);
        assertThat(d.method()).isEqualTo("POST");
    }

    @Test
    void flagsBadSignaturesAndSkipsTheCheckWithoutASecret() throws Exception {
        receiver(WebhookSigner.generateSecret(), 10);
        postSigned("t-2", body("t-2", "failed", "q", ""));
        assertThat(receiver.awaitDeliveries(1, WAIT).get(0).signatureValid()).isFalse();
        post("/", "{}", Map.of());
        assertThat(receiver.awaitDeliveries(2, WAIT).get(1).signatureValid()).isFalse();
        receiver.close();

        receiver(null, 10);
        post("/any/path", "not json", Map.of());
        Delivery d = receiver.awaitDeliveries(1, WAIT).get(0);
        assertThat(d.signatureValid()).isNull();
        assertThat(d.path()).isEqualTo("/any/path");
        assertThat(d.payload()).isNull();
    }

    @Test
    void followsTheResponseScriptThenAnswers200() throws Exception {
        receiver(SECRET, 10).respondWith(Response.status(503).retryAfter("2"), Response.status(429),
                Response.status(204));

        HttpResponse<String> first = postSigned("t-3", "{}");
        HttpResponse<String> second = postSigned("t-3", "{}");
        HttpResponse<String> third = postSigned("t-3", "{}");
        HttpResponse<String> fourth = postSigned("t-3", "{}");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).contains("2");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).isEmpty();
        assertThat(third.statusCode()).isEqualTo(204);
        assertThat(fourth.statusCode()).isEqualTo(200);
        assertThat(receiver.awaitDeliveries(4, WAIT)).extracting(Delivery::respondedStatus)
                .containsExactly(503, 429, 204, 200);

        receiver.respondWith(500, 500).respondByDefault(Response.status(202));
        assertThat(postSigned("t-4", "{}").statusCode()).isEqualTo(500);
        assertThat(postSigned("t-4", "{}").statusCode()).isEqualTo(500);
        assertThat(postSigned("t-4", "{}").statusCode()).isEqualTo(202);
    }

    @Test
    void stopSimulatesAnOutageAndStartResumesOnTheSamePort() throws Exception {
        receiver(SECRET, 10);
        int port = receiver.port();
        assertThat(port).isPositive();
        // a kept-alive connection, as a delivering client holds one between requests
        try (Socket keptAlive = new Socket("127.0.0.1", port)) {
            keptAlive.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = keptAlive.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            receiver.awaitDeliveries(1, WAIT);

            receiver.stop();

            // stop() returned: the kept-alive connection is closed (the rest of the response, then the end)
            keptAlive.setSoTimeout((int) WAIT.toMillis());
            assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).contains("{\"received\":true}");
        }
        assertThat(receiver.isRunning()).isFalse();
        // ...and new connections are refused, every time
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> postSigned("t-5", "{}")).isInstanceOf(ConnectException.class);
        }
        receiver.clear();

        receiver.start();
        assertThat(receiver.port()).isEqualTo(port);
        assertThat(postSigned("t-5", "{}").statusCode()).isEqualTo(200);
        assertThat(receiver.awaitDeliveries(1, WAIT)).hasSize(1);
    }

    @Test
    void stopRefusesConnectionsAsSoonAsItReturnsAndStartRebindsAtOnce() throws Exception {
        // Vert.x's close() completes before the NIO listening socket is released (at the event loop's next
        // select): a connection made right then was accepted, then reset. Many outages in a row catch that.
        receiver(null, 10);
        for (int i = 0; i < 50; i++) {
            receiver.stop();
            try (Socket probe = new Socket()) {
                assertThatThrownBy(() -> probe.connect(new InetSocketAddress("127.0.0.1", receiver.port()), 10_000))
                        .as("connection right after stop #%d", i).isInstanceOf(ConnectException.class);
            }
            receiver.start();
        }
        assertThat(post("/", "{}", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void keepsOnlyTheLatestDeliveries() throws Exception {
        receiver(SECRET, 2);
        for (int i = 1; i <= 3; i++) {
            postSigned("t-" + i, body("t-" + i, "answered", "q", "a"));
        }
        assertThat(receiver.awaitDeliveries(3, WAIT)).extracting(Delivery::trackingId).containsExactly("t-2", "t-3");
        assertThat(receiver.receivedCount()).isEqualTo(3);

        receiver.clear();
        assertThat(receiver.deliveries()).isEmpty();
        assertThat(receiver.receivedCount()).isZero();
    }

    @Test
    void awaitingTooManyFailsWithACount() throws Exception {
        receiver(SECRET, 10);
        postSigned("t-6", "{}");
        assertThatThrownBy(() -> receiver.awaitDeliveries(2, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("got 1");
    }

    @Test
    void listsDeliveriesAsJsonAndHtmlEscapingEverything() throws Exception {
        receiver(SECRET, 10);
        String hostile = "<script>alert('x')</script> & \\\"quotes\\\"";
        postSigned("t-7", body("t-7", "answered", hostile, "answer <b>bold</b>"));
        receiver.awaitDeliveries(1, WAIT);

        HttpResponse<String> json = get("/deliveries");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode list = mapper.readTree(json.body());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("tracking_id").asText()).isEqualTo("t-7");
        assertThat(list.get(0).get("signature_valid").asBoolean()).isTrue();
        assertThat(list.get(0).at("/headers/webhook-id").asText()).isEqualTo("msg_t-7");
        assertThat(list.get(0).at("/payload/original_query").asText()).startsWith("<script>");

        HttpResponse<String> html = get("/");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.body())
                .contains("t-7", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;", "answer &lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<script>", "<b>bold");

        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(receiver.url())).PUT(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(405);
    }

    @Test
    void aDelayedAnswerComesAfterItsDelay() throws Exception {
        receiver(SECRET, 10).respondWith(Response.status(202).after(Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertThat(postSigned("t-8", "{}").statusCode()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aSlowAnswerDoesNotHoldUpOthers() throws Exception {
        // the slow answer is due in 30 s; the test ends long before, closing the receiver
        receiver(SECRET, 10).respondWith(Response.status(200).after(Duration.ofSeconds(30)));
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(URI.create(receiver.url())).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        receiver.awaitDeliveries(1, WAIT);

        HttpResponse<String> fast = postSigned("t-9", "{}");

        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(slow).isNotDone();
        assertThat(receiver.awaitDeliveries(2, WAIT)).extracting(Delivery::trackingId).containsExactly(null, "t-9");
    }

    @Test
    void ownsItsVertxWhenStartedStandalone() throws IOException, InterruptedException {
        try (ScriptedReceiver standalone = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(standalone.url()))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"answered\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(standalone.awaitDeliveries(1, WAIT)).hasSize(1);
        }
    }
}
