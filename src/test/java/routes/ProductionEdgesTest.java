package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import gateway.local.EmbeddedSqsServer;
import gateway.testing.ApiContract;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import org.apache.camel.support.ScheduledPollConsumer;
import org.junit.jupiter.api.Test;

/**
 * The gateway at the edges of its life and of its connections, on the real app: readiness right after the
 * start (not after the first long poll), down when SQS goes away; a stop that ends the idle long polls instead
 * of waiting for them; slow and vanished clients. Every wait has a generous deadline; nothing asserts a
 * duration: each test asserts what the gateway did (the consumer had not polled yet, the polls were ended,
 * the connection was answered 408 and closed).
 */
class ProductionEdgesTest {

    private static final String PARTIAL_POST = "POST /webhook HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000\r\n\r\n{";

    @Test
    void readyBeforeTheFirstLongPollHasReturned() throws Exception {
        // a 20 s long poll on empty queues: readiness used to wait for it to return
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.sqs.wait-time-seconds", "20"))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> app.get(app.managementUrl("/observe/health/ready")).statusCode() == 200);
            ScheduledPollConsumer consumer = (ScheduledPollConsumer) app.context().getRoute("agent-invoke").getConsumer();
            assertThat(consumer.isFirstPollDone()).as("ready while the first long poll is still under way").isFalse();
        }
    }

    @Test
    void notReadyWhileSqsCannotBeReached() throws Exception {
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        sqs.start();
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.sqs.endpoint", sqs.endpoint().toString()))) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> app.get(app.managementUrl("/observe/health/ready")).statusCode() == 200);
            sqs.stop();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> ready = app.get(app.managementUrl("/observe/health/ready?exposureLevel=full"));
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("SQS unreachable");
            });
            assertThat(app.get(app.managementUrl("/observe/health")).statusCode()).isEqualTo(503);
            // the operators' dead-letter calls: SQS cannot be used, 503
            assertThat(app.get(app.managementUrl("/admin/dlq/requests")).statusCode()).isEqualTo(503);
            assertThat(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests/redrive"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(503);
        } finally {
            sqs.stop();
        }
    }

    @Test
    void anSqsOutageIsOneWarnAndABackOffThenOneInfoWhenItIsOver() throws Exception {
        int port = GatewayTestApp.freePort();
        EmbeddedSqsServer sqs = new EmbeddedSqsServer(port);
        sqs.start();
        try (LogCapture log = LogCapture.start();
                GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.sqs.endpoint", sqs.endpoint().toString(),
                        // a poll every 100 ms x 20 = 2 s while SQS is down
                        "gateway.sqs.poll-delay-ms", "100", "gateway.sqs.outage-backoff-polls", "20"))) {
            ScheduledPollConsumer requests = (ScheduledPollConsumer) app.context().getRoute("agent-invoke").getConsumer();
            sqs.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> log.text().contains("SQS polling of webhook-requests.fifo fails")
                    && log.text().contains("SQS polling of webhook-deliveries fails"));
            // the consumer backs off: it is skipping polls (Camel's backoff counter), not failing one after the other
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> requests.getBackoffCounter() > 0);
            assertThat(log.text().split("SQS polling of webhook-requests.fifo fails", -1)).as("one WARN per outage").hasSize(2);
            assertThat(log.text()).doesNotContain("Error while polling");

            EmbeddedSqsServer back = new EmbeddedSqsServer(port);
            back.start();
            try (var client = gateway.testing.LocalAws.sqs(back.endpoint())) {
                var provisioner = new gateway.local.QueueProvisioner(client);
                provisioner.ensureQueueWithDeadLetterQueue(app.property("gateway.queue.requests"), app.dlq("requests"), 6, 60);
                provisioner.ensureQueueWithDeadLetterQueue(app.property("gateway.queue.deliveries"), app.dlq("deliveries"), 6, 60);
                await().atMost(Duration.ofSeconds(60)).until(() -> log.text().contains("SQS polling of webhook-requests.fifo works again")
                        && log.text().contains("SQS polling of webhook-deliveries works again"));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> app.get(app.managementUrl("/observe/health/ready")).statusCode() == 200);
            } finally {
                back.stop();
            }
        } finally {
            sqs.stop();
        }
    }

    @Test
    void anIdleStopEndsTheLongPollsInsteadOfWaitingForThem() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.sqs.wait-time-seconds", "20"));
            try {
                ScheduledPollConsumer requests = (ScheduledPollConsumer) app.context().getRoute("agent-invoke").getConsumer();
                ScheduledPollConsumer deliveries = (ScheduledPollConsumer) app.context().getRoute("webhook-deliver").getConsumer();
                await().atMost(Duration.ofSeconds(30)).until(() -> requests.isPolling() && deliveries.isPolling());
            } finally {
                app.close();
            }
            assertThat(log.text())
                    .contains("the long polls of webhook-requests.fifo were ended, not waited for")
                    .contains("the long polls of webhook-deliveries were ended, not waited for")
                    .doesNotContain("Error while polling");
        }
    }

    @Test
    void aRequestNotReceivedInTimeIsAnswered408AndItsConnectionClosed() throws Exception {
        try (LogCapture log = LogCapture.start();
                GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.http.read-timeout", "1s"));
                Socket slow = new Socket("127.0.0.1", app.httpPort())) {
            slow.setSoTimeout(30_000);
            slow.getOutputStream().write(PARTIAL_POST.getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            String answer = readUntilClosed(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").contains("connection: close").contains("\"success\":false");
            assertThat(ApiContract.gateway().checkRawResponse("POST", app.url("/webhook"), answer)).isEmpty();
            assertThat(log.text()).contains("not received within 1000 ms (HTTP_READ_TIMEOUT)")
                    .doesNotContain("Unhandled exception in router");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.http.idle-timeout", "1s"));
                Socket idle = new Socket("127.0.0.1", app.httpPort())) {
            idle.setSoTimeout(30_000);
            OutputStream out = idle.getOutputStream();
            out.write(("GET /webhook/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\nHost: gateway\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the 404 arrives, then nothing more is sent on the kept-alive connection until the server closes it
            assertThat(readUntilClosed(idle.getInputStream())).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void aClientThatHangsUpMidRequestIsAnInfoLineNotAnError() throws Exception {
        try (LogCapture log = LogCapture.start(); GatewayTestApp app = GatewayTestApp.start()) {
            try (Socket gone = new Socket("127.0.0.1", app.httpPort())) {
                gone.getOutputStream().write((PARTIAL_POST + "\"query\":").getBytes(StandardCharsets.US_ASCII));
                gone.getOutputStream().flush();
                Thread.sleep(1000); // let the server read the headers: the request has begun, its body never ends
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("closed the connection before its request POST /webhook was read"));
            assertThat(log.text()).doesNotContain("Unhandled exception in router").doesNotContain("HttpClosedException");
            // and the gateway goes on serving
            assertThat(app.postJson("/webhook", WebhookIntakeRouteTest.VALID).statusCode()).isEqualTo(202);
        }
    }

    /** Everything the server sends until it closes the connection (a read timeout fails the test). */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open; received: " + bytes.toString(StandardCharsets.UTF_8), e);
        }
        return bytes.toString(StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1");
    }
}
