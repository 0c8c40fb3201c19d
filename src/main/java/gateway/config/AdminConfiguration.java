package gateway.config;

import java.util.Map;

import gateway.admin.DeadLetterAdmin;
import gateway.admin.ManagementEndpoints;
import gateway.security.AdminAuthenticator;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The operator's endpoints (dead letters, the dev receiver page) on the management port. */
public class AdminConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;

    @Override
    public void configure(CamelContext context) throws Exception {
        SqsClient sqs = context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class);
        DeadLetterAdmin admin = new DeadLetterAdmin(sqs, Map.of("requests", requestsQueue, "deliveries", deliveriesQueue));
        context.getRegistry().bind("deadLetterAdmin", admin); // the dead-letter routes' (DeadLetterAdminRoute, DeadLetterSweepRoute)
        ProducerTemplate routes = context.createProducerTemplate(); // the endpoints call the dead-letter routes
        context.addService(routes, true, true);
        ManagementEndpoints endpoints = new ManagementEndpoints(admin, routes,
                context.getRegistry().lookupByNameAndType("adminAuthenticator", AdminAuthenticator.class));
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                ManagementHttpServer server = ctx.hasService(ManagementHttpServer.class);
                if (server != null && server.getRouter() != null) {
                    endpoints.mount(server.getRouter());
                }
            }
        });
    }
}
