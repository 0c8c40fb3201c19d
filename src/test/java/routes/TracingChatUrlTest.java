package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
 * A Slack endpoint's URL is a credential as a whole (its secret is its path): the trace of its delivery records the
 * POST's URL as scheme and host only, as the status view shows it (docs/tracing.md, docs/security.md).
 */
class TracingChatUrlTest {

    static final String KEY = "acme-key-0002-bbbbbbbbbbbb";
    static final String SECRET = CallersDeliveryTest.secret(13);
    static final String SLACK_PATH = "services/T0TRACE/B0TRACE/tracesecret0123456789";

    static OtlpTraceReceiver traces;
    static ScriptedReceiver slack;
    static GatewayTestApp app;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        traces = OtlpTraceReceiver.start();
        slack = ScriptedReceiver.startOnRandomPort(null).withoutContractCheck();
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: team-channel
                  type: slack
                  url: %s%s
                """.formatted(slack.url(), SLACK_PATH));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", callersFile.toString(), "gateway.chat.allow-any-host", "true",
                "otel.exporter.otlp.endpoint", traces.endpoint(), "otel.bsp.schedule.delay", "100"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        slack.close();
        traces.close();
        Files.deleteIfExists(callersFile);
    }

    @Test
    void theSpanOfAChatPostShowsSchemeAndHostOnly() throws Exception {
        EndpointTestSupport.post(app, KEY, "Traced to Slack");
        String traceId = slack.awaitDeliveries(1, Duration.ofSeconds(60)).get(0).header("traceparent").split("-")[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(traces.spans())
                .anyMatch(s -> s.traceId().equals(traceId) && s.attributes().values().stream()
                        .anyMatch(v -> v.equals("http://127.0.0.1:" + slack.port() + "/…"))));
        for (ReceivedSpan span : traces.spans()) {
            assertThat(span.attributes().values()).as(span.name()).noneMatch(v -> v.contains("tracesecret") || v.contains("T0TRACE"));
            assertThat(span.eventMessages()).noneMatch(v -> v.contains("tracesecret"));
        }
    }
}
