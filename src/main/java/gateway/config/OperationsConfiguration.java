package gateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import gateway.admin.DeadLetterAdmin;
import gateway.admin.EndpointAdmin;
import gateway.admin.ManagementEndpoints;
import gateway.contract.OpenApiDocument;
import gateway.callers.CallerDirectory;
import gateway.endpoints.EndpointControl;
import gateway.endpoints.EndpointRecovery;
import gateway.intake.JsonRequestBody;
import gateway.agent.BedrockAgentComponent;
import gateway.metrics.FlowMetrics;
import gateway.metrics.FlowMetricsNotifier;
import gateway.metrics.MetricsOverview;
import gateway.metrics.QueueDepthSampler;
import gateway.security.AdminAuthenticator;
import gateway.security.RateLimiter;
import gateway.sqs.SqsBatchComponent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What operators use on the management port besides Camel's health checks: the gateway's metrics on
 * {@code /observe/metrics} beside Camel's and the JVM's (one Prometheus registry, the one Camel's metrics service
 * serves: the flow's counters and timers, the agent calls in flight, the sampled depth of every queue and DLQ), and
 * the admin endpoints {@code /admin/dlq/...}, which call the dead-letter routes, and {@code /admin/endpoints/...}.
 */
public class OperationsConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.requests-dlq")
    private String requestsDeadLetterQueue;
    @PropertyInject("gateway.queue.deliveries-dlq")
    private String deliveriesDeadLetterQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;
    @PropertyInject("gateway.metrics.queue-sample-seconds")
    private long sampleSeconds;
    @PropertyInject("gateway.metrics.overview-step-seconds")
    private long overviewStepSeconds;

    // memoised: configure() below counts with the same metrics as the registry's beans
    private FlowMetrics metrics;

    /** The flow's counters and timers, on Camel's registry (made now if Camel's metrics service has none). */
    @BindToRegistry(value = "flowMetrics", lazy = true)
    public synchronized FlowMetrics flowMetrics(CamelContext context) {
        if (metrics == null) {
            MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
            if (registry == null) {
                registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                context.getRegistry().bind("metricsRegistry", registry);
            }
            metrics = new FlowMetrics(registry);
        }
        return metrics;
    }

    /** This instance's last hour from its own meters ({@code GET /admin/overview}), a point each step (MetricsOverviewRoute). */
    @BindToRegistry(value = "metricsOverview", lazy = true)
    public MetricsOverview metricsOverview(CamelContext context) {
        if (overviewStepSeconds < 1) {
            throw new IllegalArgumentException("OVERVIEW_STEP_SECONDS must be at least 1, not " + overviewStepSeconds);
        }
        return new MetricsOverview(flowMetrics(context).registry(), instanceName(), overviewStepSeconds,
                Map.of("requests", requestsQueue, "requests_dlq", requestsDeadLetterQueue, "deliveries", deliveriesQueue,
                        "deliveries_dlq", deliveriesDeadLetterQueue), Clock.systemUTC());
    }

    /** The pod's name in Kubernetes ({@code HOSTNAME}), else the host's. */
    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "gateway";
        }
    }

    /** The dead-letter routes' receive and their steps (DeadLetterAdminRoute, DeadLetterSweepRoute). */
    @BindToRegistry(value = "deadLetterAdmin", lazy = true)
    public DeadLetterAdmin deadLetterAdmin(SqsClient sqs) {
        return new DeadLetterAdmin(sqs, Map.of("requests", requestsQueue, "deliveries", deliveriesQueue),
                Map.of("requests", requestsDeadLetterQueue, "deliveries", deliveriesDeadLetterQueue));
    }

    /** The public API's OpenAPI document, served by {@code routes.OpenApiRoute}. */
    @BindToRegistry("gatewayApiDocument")
    public OpenApiDocument gatewayApiDocument() {
        return OpenApiDocument.of(OpenApiDocument.GATEWAY);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        FlowMetrics flow = flowMetrics(context);
        MeterRegistry registry = flow.registry();
        context.getManagementStrategy().addEventNotifier(new FlowMetricsNotifier(flow));
        BedrockAgentComponent agent = context.getComponent("bedrock-agent", BedrockAgentComponent.class);
        Gauge.builder("gateway.agent.calls.in.flight", agent, BedrockAgentComponent::inFlight)
                .description("Agent calls in flight on this instance").register(registry);
        context.getComponent("sqs-batch", SqsBatchComponent.class).setMeterRegistry(registry);
        context.addService(new QueueDepthSampler(context, context.getRegistry().findSingleByType(SqsClient.class), flow,
                List.of(requestsQueue, requestsDeadLetterQueue, deliveriesQueue, deliveriesDeadLetterQueue),
                sampleSeconds), true, true);

        ProducerTemplate routes = context.createProducerTemplate(); // the admin endpoints call the dead-letter and recover routes
        context.addService(routes, true, true);
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                ManagementHttpServer server = ctx.hasService(ManagementHttpServer.class);
                if (server != null && server.getRouter() != null) {
                    CallerDirectory callers = ctx.getRegistry().findSingleByType(CallerDirectory.class);
                    // a recover calls the route the caller's recover calls (routes.EndpointHealthRoute.RECOVER)
                    EndpointAdmin endpoints = new EndpointAdmin(ctx.getRegistry().findSingleByType(EndpointControl.class),
                            ctx.getRegistry().findSingleByType(EndpointRecovery.class),
                            ctx.getRegistry().findSingleByType(JsonRequestBody.class), routes, "direct:recover-endpoint");
                    new ManagementEndpoints(ctx.getRegistry().findSingleByType(DeadLetterAdmin.class), routes,
                            ctx.getRegistry().findSingleByType(AdminAuthenticator.class), callers::describe,
                            OpenApiDocument.of(OpenApiDocument.ADMIN),
                            ctx.getRegistry().lookupByNameAndType("adminRateLimiter", RateLimiter.class), endpoints,
                            ctx.getRegistry().lookupByNameAndType("metricsOverview", MetricsOverview.class)::view)
                            .mount(server.getRouter());
                }
            }
        });
    }
}
