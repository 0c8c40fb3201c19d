package gateway.config;

import java.time.Duration;

import gateway.destinations.AwsDeliveryErrors;
import gateway.destinations.AwsOutbound;
import gateway.destinations.DestinationClients;
import gateway.destinations.SnsPublisher;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;

/**
 * The AWS destinations' side (docs/aws-destinations.md, routes.AwsDestinationRoutes): their SDK clients, one per
 * service and region, made when first needed, with the gateway's own AWS identity and the endpoint overrides
 * ({@code SQS_ENDPOINT}, {@code SNS_ENDPOINT}, {@code EVENTBRIDGE_ENDPOINT}); the message each destination gets; the
 * SNS publisher; the error classifier. The clients are offered to the registry by name only (see
 * {@link DestinationClients}), and closed when Camel stops.
 */
public class AwsDestinationConfiguration implements CamelConfiguration {

    @PropertyInject(value = "gateway.sns.endpoint", defaultValue = "")
    private String snsEndpoint;
    @PropertyInject(value = "gateway.eventbridge.endpoint", defaultValue = "")
    private String eventBridgeEndpoint;
    @PropertyInject(value = "gateway.destinations.call-timeout-ms", defaultValue = "10000")
    private long callTimeoutMs;
    @PropertyInject(value = "gateway.destinations.max-connections", defaultValue = "64")
    private int maxConnections;

    private DestinationClients clients;

    /** The SDK clients of the AWS destinations (also a bean repository of the registry: see {@link #configure}). */
    @BindToRegistry(value = "destinationClients", lazy = true)
    public synchronized DestinationClients destinationClients(AwsSettings aws) {
        if (clients == null) {
            clients = new DestinationClients(new DestinationClients.Settings(aws::credentials, aws.sqsEndpoint(), snsEndpoint,
                    eventBridgeEndpoint, Duration.ofMillis(callTimeoutMs), maxConnections));
        }
        return clients;
    }

    @BindToRegistry(value = "awsOutbound", lazy = true)
    public AwsOutbound awsOutbound(AwsSettings aws) {
        return new AwsOutbound(aws.region());
    }

    @BindToRegistry(value = "snsPublisher", lazy = true)
    public SnsPublisher snsPublisher(DestinationClients clients, AwsSettings aws) {
        return new SnsPublisher(clients, aws.region());
    }

    @BindToRegistry(value = "awsDeliveryErrors", lazy = true)
    public AwsDeliveryErrors awsDeliveryErrors() {
        return new AwsDeliveryErrors();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        DestinationClients made = destinationClients(context.getRegistry().findSingleByType(AwsSettings.class));
        register(context, made);
        CloseOnStop.register(context, made);
    }

    /** Adds {@code clients} to the registry's bean repositories (by name only), for the routes' {@code #name} options. */
    public static void register(CamelContext context, DestinationClients clients) {
        Registry registry = context.getRegistry();
        if (!(registry instanceof DefaultRegistry repositories)) {
            throw new IllegalStateException("the AWS destination clients need Camel's DefaultRegistry, not "
                    + registry.getClass().getName());
        }
        repositories.addBeanRepository(clients);
    }
}
