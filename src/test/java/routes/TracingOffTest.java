package routes;

import java.util.List;
import java.util.Map;

import gateway.testing.GatewayTestApp;
import org.apache.camel.spi.CamelTracingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing is off by default (docs/tracing.md): with no OTLP endpoint nothing is installed (no tracer service, no
 * OpenTelemetry tracer in the registry) and a queued question carries no {@code traceparent}.
 */
class TracingOffTest {

    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        // the intake only: the request stays on the queue to be looked at
        app = GatewayTestApp.start(Map.of("gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void withoutAnEndpointNothingIsInstalledAndNothingIsAddedToMessages() throws Exception {
        assertThat(app.context().hasService(CamelTracingService.class)).isNull();
        assertThat(app.context().getRegistry().findByType(io.opentelemetry.api.trace.Tracer.class)).isEmpty();
        assertThat(app.context().getRoutePolicyFactories()).noneMatch(f -> f.getClass().getName().contains("telemetry"));

        var accepted = app.postJson("/webhook", gateway.json.Json.write(CallersDeliveryTest.question("Not traced")));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String queue = app.property("gateway.queue.requests");
        List<Message> queued = await().until(() -> app.drain(queue), m -> !m.isEmpty());
        assertThat(queued.get(0).messageAttributes()).doesNotContainKeys("traceparent", "tracestate", "baggage")
                .containsKey("tracking_id");
    }
}
