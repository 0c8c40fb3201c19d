package gateway.config;

import java.util.List;

import gateway.agent.BedrockAgentComponent;
import gateway.metrics.FlowMetrics;
import gateway.metrics.FlowMetricsNotifier;
import gateway.metrics.QueueDepthSampler;
import gateway.sqs.DeadLetterQueues;
import gateway.sqs.SqsBatchComponent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The gateway's metrics on {@code /observe/metrics} beside Camel's and the JVM's: one Prometheus
 * registry (the one Camel's metrics service serves), the flow's counters and timers, the agent calls
 * in flight, and the sampled depth of every queue and DLQ.
 */
public class MetricsConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;
    @PropertyInject("gateway.metrics.queue-sample-seconds")
    private long sampleSeconds;

    @Override
    public void configure(CamelContext context) throws Exception {
        // Camel's metrics service has made (and serves) the registry by now; share it
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", registry);
        }
        FlowMetrics metrics = new FlowMetrics(registry);
        context.getRegistry().bind("flowMetrics", metrics);
        context.getManagementStrategy().addEventNotifier(new FlowMetricsNotifier(metrics));

        BedrockAgentComponent agent = context.getComponent("bedrock-agent", BedrockAgentComponent.class);
        Gauge.builder("gateway.agent.calls.in.flight", agent, BedrockAgentComponent::inFlight)
                .description("Agent calls in flight on this instance").register(registry);

        context.getComponent("sqs-batch", SqsBatchComponent.class).setMeterRegistry(registry);

        SqsClient sqs = context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class);
        context.addService(new QueueDepthSampler(context, sqs, metrics, List.of(
                requestsQueue, DeadLetterQueues.of(requestsQueue),
                deliveriesQueue, DeadLetterQueues.of(deliveriesQueue)), sampleSeconds), true, true);
    }
}
