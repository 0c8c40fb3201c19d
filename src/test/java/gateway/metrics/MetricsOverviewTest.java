package gateway.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overview's points from the gateway's own meters, on the registry the app uses (Prometheus): counts are what each
 * step added, the agent's p50/p95 are those of the calls of the step (not since the start), the ring keeps 60 points.
 */
class MetricsOverviewTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final FlowMetrics metrics = new FlowMetrics(registry);
    final MetricsOverview overview = new MetricsOverview(registry, "pod-1", 60,
            Map.of("requests", "q", "requests_dlq", "q-dlq", "deliveries", "d", "deliveries_dlq", "d-dlq"), null);

    @Test
    void eachPointHoldsWhatItsStepAddedAndTheLatencyOfItsOwnCalls() {
        metrics.requestAccepted();
        metrics.requestAccepted();
        metrics.requestRejected(400);
        for (int i = 0; i < 19; i++) {
            metrics.agentCall("answered", "none", Duration.ofMillis(1000));
        }
        metrics.agentCall("answered", "none", Duration.ofMillis(60_000));
        metrics.agentCall("permanent_error", "ValidationException", Duration.ofMillis(200));
        metrics.deadLettered("agent-invoke", "none", "none");
        metrics.delivered("crm", "answers");
        metrics.deadLettered("webhook-deliver", "crm", "answers");
        metrics.delivered("default", "default");
        overview.snapshot();

        metrics.requestAccepted();
        metrics.agentCall("answered", "none", Duration.ofMillis(5000));
        overview.snapshot();
        overview.snapshot();

        ObjectNode view = overview.view();
        assertThat(view.get("instance").asText()).isEqualTo("pod-1");
        assertThat(view.get("step_seconds").asInt()).isEqualTo(60);
        JsonNode first = view.get("points").get(0);
        assertThat(first.get("questions").asLong()).isEqualTo(2);
        assertThat(first.get("answers").asLong()).isEqualTo(20);
        assertThat(first.get("failures").asLong()).as("refused by the agent, and given up").isEqualTo(2);
        assertThat(first.get("agent_p50_ms").asLong()).as("within the 1 s bucket").isBetween(800L, 1200L);
        assertThat(first.get("agent_p95_ms").asLong()).isBetween(800L, 1200L);
        assertThat(first.get("agent_in_flight").isNull()).as("no gauge registered here").isTrue();
        assertThat(first.get("queues").get("requests").isNull()).as("not sampled").isTrue();
        assertThat(first.get("deliveries_by_caller").get("crm").get("delivered").asLong()).isEqualTo(1);
        assertThat(first.get("deliveries_by_caller").get("crm").get("failed").asLong()).isEqualTo(1);
        assertThat(first.get("deliveries_by_caller").get("default").get("delivered").asLong()).isEqualTo(1);

        JsonNode second = view.get("points").get(1);
        assertThat(second.get("questions").asLong()).isEqualTo(1);
        assertThat(second.get("answers").asLong()).isEqualTo(1);
        assertThat(second.get("failures").asLong()).isZero();
        assertThat(second.get("agent_p50_ms").asLong()).as("this step's one call, not the hour's").isBetween(4000L, 6000L);
        assertThat(second.get("deliveries_by_caller").size()).isZero();

        JsonNode third = view.get("points").get(2);
        assertThat(third.get("questions").asLong()).isZero();
        assertThat(third.get("agent_p50_ms").isNull()).as("no call ended").isTrue();
    }

    @Test
    void theRingKeepsTheLastSixtyPoints() {
        for (int i = 0; i < 75; i++) {
            if (i == 74) {
                metrics.requestAccepted();
            }
            overview.snapshot();
        }
        JsonNode points = overview.view().get("points");
        assertThat(points.size()).isEqualTo(MetricsOverview.POINTS);
        assertThat(points.get(59).get("questions").asLong()).as("newest last").isEqualTo(1);
    }

    @Test
    void aQuantileIsInterpolatedWithinItsBucketAsPrometheusDoes() {
        TreeMap<Double, Double> cumulative = new TreeMap<>(Map.of(100.0, 0.0, 200.0, 10.0, 400.0, 10.0, 800.0, 20.0));
        assertThat(MetricsOverview.quantile(0.5, cumulative, 20)).isEqualTo(200);
        assertThat(MetricsOverview.quantile(0.25, cumulative, 20)).isEqualTo(150);
        assertThat(MetricsOverview.quantile(0.75, cumulative, 20)).isEqualTo(600);
        assertThat(MetricsOverview.quantile(0.95, cumulative, 22)).as("above the last bound: that bound").isEqualTo(800);
    }
}
