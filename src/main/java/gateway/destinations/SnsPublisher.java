package gateway.destinations;

import java.util.LinkedHashMap;
import java.util.Map;

import gateway.callers.EndpointType;
import gateway.delivery.WebhookSigner;
import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes the message to its SNS topic (the {@link FlowProperties#DESTINATION} ARN) with the client of the topic's
 * region: the body as the message, each String header as a String message attribute ({@link AwsOutbound} has left only
 * the webhook's), and to a FIFO topic the group ({@code CamelAwsMessageGroupId}) and the webhook-id as the
 * deduplication id. Camel 4.18's {@code aws2-sns} is not served here, so the route calls this bean as its endpoint
 * ({@code bean:snsPublisher?method=publish}). An {@code SdkException} propagates to the route as it is.
 */
public final class SnsPublisher {

    private final DestinationClients clients;
    private final String gatewayRegion;

    public SnsPublisher(DestinationClients clients, String gatewayRegion) {
        this.clients = clients;
        this.gatewayRegion = gatewayRegion;
    }

    public void publish(Exchange exchange) {
        AwsDestination topic = AwsDestination.of(EndpointType.SNS, exchange.getProperty(FlowProperties.DESTINATION, String.class),
                gatewayRegion);
        Message message = exchange.getMessage();
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof String text && !text.isEmpty() && !name.startsWith("Camel")) {
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(text).build());
            }
        });
        PublishRequest.Builder request = PublishRequest.builder()
                .topicArn(topic.destination())
                .message(message.getBody(String.class))
                .messageAttributes(attributes);
        if (topic.fifo()) {
            request.messageGroupId(exchange.getProperty(Sqs2Constants.MESSAGE_GROUP_ID_PROPERTY, String.class))
                    .messageDeduplicationId(message.getHeader(WebhookSigner.HEADER_ID, String.class));
        }
        String messageId = clients.sns(topic.region()).publish(request.build()).messageId();
        exchange.setProperty(AwsOutbound.MESSAGE_ID, messageId);
    }
}
