package routes;

import org.apache.camel.builder.RouteBuilder;

/**
 * Every {@code OVERVIEW_STEP_SECONDS} (60) one point of this instance's overview ({@code GET /admin/overview} on the
 * management port): the gateway's own meters read from memory ({@code gateway.metrics.MetricsOverview}), no AWS call.
 */
public class MetricsOverviewRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:metrics-overview?delay={{gateway.metrics.overview-step-seconds}}s&period={{gateway.metrics.overview-step-seconds}}s")
            .routeId("metrics-overview")
            .bean("metricsOverview", "snapshot").id("snapshot-metrics");
    }
}
