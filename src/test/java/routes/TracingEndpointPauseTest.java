package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.OtlpTraceReceiver;
import gateway.testing.OtlpTraceReceiver.ReceivedSpan;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint paused by a question's failed attempts (docs/endpoints.md) shows in that question's trace as an event
 * {@code endpoint.paused} on the attempt that paused it (docs/tracing.md).
 */
class TracingEndpointPauseTest {

    static final String KEY = "acme-key-0001-aaaaaaaaaaaa";
    static final String SECRET = CallersDeliveryTest.secret(12);

    static OtlpTraceReceiver traces;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        traces = OtlpTraceReceiver.start();
        receiver = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: crm
                  url: %scrm
                """.formatted(receiver.url()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", callersFile.toString(),
                "otel.exporter.otlp.endpoint", traces.endpoint(), "otel.bsp.schedule.delay", "100",
                "gateway.endpoints.pause-failures", "2", "gateway.endpoints.pause-after", "0s",
                "gateway.endpoints.probe-min", "1h", "gateway.endpoints.probe-max", "1h"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        receiver.close();
        traces.close();
        Files.deleteIfExists(callersFile);
    }

    @Test
    void thePauseIsAnEventOnTheAttemptThatPausedIt() throws Exception {
        receiver.respondByDefault(LocalReceiver.Response.status(503));
        String id = EndpointTestSupport.post(app, KEY, "Paused on the way");
        String traceId = receiver.awaitDeliveries(1, Duration.ofSeconds(60)).get(0).header("traceparent").split("-")[1];

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(traces.spans())
                .anyMatch(s -> s.traceId().equals(traceId) && s.events().contains("endpoint.paused")));
        ReceivedSpan paused = traces.spans().stream()
                .filter(s -> s.traceId().equals(traceId) && s.events().contains("endpoint.paused")).findFirst().orElseThrow();
        assertThat(paused.name()).isEqualTo("attempt-delivery");
        assertThat(paused.attribute("gateway.tracking_id")).isEqualTo(id);
        // the delivery is parked in the same trace
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(traces.spans())
                .anyMatch(s -> s.traceId().equals(traceId) && s.name().equals("park-delivery")));
    }
}
