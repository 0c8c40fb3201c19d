package gateway.config;

import java.time.Clock;
import java.time.Duration;

import gateway.agent.BedrockAgentComponent;
import gateway.cancel.CancellationMarkers;
import gateway.cancel.CancellationWatch;
import gateway.cancel.Cancellations;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * Cancellation ({@code DELETE /webhook/{tracking_id}}): the cancel route's checks ({@code cancellations}), the markers
 * in S3 ({@code cancellationMarkers}) and what this replica knows of them ({@code cancellationWatch}, polled by
 * {@code routes.CancellationWatchRoute}; it aborts the {@code bedrock-agent} calls in flight here of cancelled questions).
 */
public class CancelConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.cancel.marker-max-age-hours")
    private long markerMaxAgeHours;

    @BindToRegistry(value = "cancellations", lazy = true)
    public Cancellations cancellations() {
        return new Cancellations(Clock.systemUTC());
    }

    @BindToRegistry(value = "cancellationMarkers", lazy = true)
    public CancellationMarkers cancellationMarkers(S3Bucket bucket) {
        return new CancellationMarkers(bucket);
    }

    @BindToRegistry(value = "cancellationWatch", lazy = true)
    public CancellationWatch cancellationWatch(CamelContext context, CancellationMarkers markers, FlowMetrics metrics) {
        return new CancellationWatch(markers, () -> context.getComponent("bedrock-agent", BedrockAgentComponent.class).calls(),
                metrics, Clock.systemUTC(), Duration.ofHours(markerMaxAgeHours));
    }
}
