package gateway.config;

import java.util.Map;

import gateway.tracing.GatewaySpans;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** When tracing is on (docs/tracing.md): an OTLP endpoint, or the otlp exporter named; never with exporter none. */
class TracingConfigurationTest {

    @BeforeEach
    void noOutsideSettings() {
        for (String name : new String[] {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_EXPORTER"}) {
            assumeTrue(System.getenv(name) == null, name + " is set in this environment");
            assumeTrue(System.getProperty(name.toLowerCase().replace('_', '.')) == null);
        }
    }

    @Test
    void offUnlessAnEndpointOrTheOtlpExporterIsGiven() {
        assertThat(TracingConfiguration.enabled(Map.of())).isFalse();
        assertThat(TracingConfiguration.enabled(Map.of("otel.service.name", "x"))).isFalse();
        assertThat(TracingConfiguration.enabled(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318"))).isTrue();
        assertThat(TracingConfiguration.enabled(Map.of("otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces")))
                .isTrue();
        assertThat(TracingConfiguration.enabled(Map.of("otel.traces.exporter", "otlp"))).isTrue();
        assertThat(TracingConfiguration.enabled(Map.of("otel.traces.exporter", "none",
                "otel.exporter.otlp.endpoint", "http://collector:4318"))).isFalse();
    }

    @Test
    void aUrlInATraceHasNoQueryNorUserInfo() {
        assertThat(GatewaySpans.withoutQuery("https://user:pw@hooks.example.com/in?token=abc")).isEqualTo("https://hooks.example.com/in");
        assertThat(GatewaySpans.withoutQuery("http://127.0.0.1:8080/webhook")).isEqualTo("http://127.0.0.1:8080/webhook");
        assertThat(GatewaySpans.withoutQuery("https://hooks.example.com/a@b")).isEqualTo("https://hooks.example.com/a@b");
        assertThat(GatewaySpans.withoutQuery(null)).isNull();
    }
}
