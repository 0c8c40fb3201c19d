package routes;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import gateway.config.AwsDestinationConfiguration;
import gateway.delivery.OutboundWebhook;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsDeliveryErrors;
import gateway.destinations.AwsOutbound;
import gateway.destinations.DestinationClients;
import gateway.destinations.SnsPublisher;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.testing.LocalAws;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * {@link AwsDestinationRoutes} in a Camel context of their own, with their real beans and SDK clients pointed at
 * loopback servers (ElasticMQ, or a stand-in speaking the service's protocol); and the message the delivery stage
 * hands them: a signed payload with the headers a webhook POST carries.
 */
final class AwsDestinationsTestbed implements AutoCloseable {

    static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("aws-destinations-test-key-32-bytes".getBytes());
    static final WebhookSigner SIGNER = new WebhookSigner(SECRET);

    final DestinationClients clients;
    final CamelContext camel;
    final ProducerTemplate template;

    AwsDestinationsTestbed(String sqsEndpoint, String snsEndpoint, String eventBridgeEndpoint) throws Exception {
        clients = new DestinationClients(new DestinationClients.Settings(endpoint -> LocalAws.CREDENTIALS, sqsEndpoint, snsEndpoint,
                eventBridgeEndpoint, Duration.ofSeconds(10), 8));
        camel = new DefaultCamelContext();
        AwsDestinationConfiguration.register(camel, clients);
        camel.getRegistry().bind("awsOutbound", new AwsOutbound("us-east-1"));
        camel.getRegistry().bind("snsPublisher", new SnsPublisher(clients, "us-east-1"));
        camel.getRegistry().bind("awsDeliveryErrors", new AwsDeliveryErrors());
        camel.addRoutes(new AwsDestinationRoutes());
        camel.start();
        template = camel.createProducerTemplate();
    }

    /** The payload of an answered question, as DeliveryPayload makes it (the fields a consumer reads). */
    static String payload(String trackingId, String answer) {
        return Json.write(Json.object().put("type", "query.answered").put("status", "answered").put("tracking_id", trackingId)
                .put("query", "Which deals close this quarter?").put("response", answer));
    }

    /**
     * The exchange the delivery stage hands an AWS route: the signed payload, the Standard Webhooks headers, the
     * webhook's other headers (source, tracking id, Camel's HTTP ones, an endpoint's own header) and the destination.
     */
    Exchange delivery(String webhookId, String trackingId, String payload, String destination) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(payload);
        long now = Instant.now().getEpochSecond();
        SIGNER.headers(webhookId, now, payload).forEach(exchange.getMessage()::setHeader);
        Map.of(OutboundWebhook.HEADER_SOURCE, "ai-webhook-gateway", OutboundWebhook.HEADER_TRACKING_ID, trackingId,
                Exchange.HTTP_URI, "https://receiver.example/hook?token=secret", Exchange.HTTP_METHOD, "POST",
                Exchange.CONTENT_TYPE, "application/json", "X-Endpoint-Header", "endpoint's own",
                "Authorization", "Bearer caller-token").forEach(exchange.getMessage()::setHeader);
        exchange.setProperty(FlowProperties.WEBHOOK_ID, webhookId);
        exchange.setProperty(FlowProperties.TRACKING_ID, trackingId);
        exchange.setProperty(FlowProperties.DESTINATION, destination);
        return exchange;
    }

    Exchange send(String route, Exchange exchange) {
        return template.send(route, exchange);
    }

    @Override
    public void close() throws Exception {
        camel.stop();
        clients.close();
    }
}
