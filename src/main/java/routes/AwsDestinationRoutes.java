package routes;

import gateway.destinations.AwsOutbound;
import gateway.flow.FlowProperties;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One attempt of a delivery to an AWS destination (docs/aws-destinations.md), called from the delivery attempt with
 * the webhook's payload as the body, its Standard Webhooks headers and the endpoint's destination
 * ({@link FlowProperties#DESTINATION}). Each route: the webhook message kept; only the payload and the message
 * attributes left ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}, {@code webhook-type}:
 * no request header, no HTTP header); ONE call with the gateway's own AWS identity, through the client of the
 * destination's region; the webhook message put back (a redelivery of the attempt starts from it again, and the
 * delivery's delete finds its receipt handle), and on success AWS's answer as the body ({@code {"message_id":…}}).
 *
 * <p>An AWS error ({@code SdkException}) is thrown on as a {@code DestinationFailure} ({@code awsDeliveryErrors}):
 * retried (throttling, 5xx, network), the endpoint paused (access denied, not found, KMS key unusable) or
 * dead-lettered (the message refused); its code ({@code sqs_access_denied}) never holds AWS's own text. No error
 * handler of their own: the delivery route's retries, endpoint health and dead-lettering apply as for webhooks.
 */
public class AwsDestinationRoutes extends RouteBuilder {

    /** SendMessage to the SQS queue URL of the destination. */
    public static final String SEND_SQS = "direct:send-sqs";
    /** Publish to the SNS topic ARN of the destination. */
    public static final String PUBLISH_SNS = "direct:publish-sns";
    /** PutEvents (one entry) to the EventBridge bus (name or ARN) of the destination. */
    public static final String PUT_EVENTBRIDGE = "direct:put-eventbridge";

    static final String OUTBOUND = "awsOutbound";
    static final String ERRORS = "awsDeliveryErrors";

    // the queue URL exactly as configured (RAW: not re-encoded), the client of its region (gateway.destinations.
    // DestinationClients), to a .fifo queue the group from the CamelAwsMessageGroupId property and the webhook-id as the
    // deduplication id (filled in by the client: Camel's only strategies are the exchange id or none)
    static final String SQS_QUEUE = "aws2-sqs:${exchangeProperty." + AwsOutbound.QUEUE_NAME + "}"
            + "?queueUrl=RAW(${exchangeProperty." + FlowProperties.DESTINATION + "})"
            + "&amazonSQSClient=#${exchangeProperty." + AwsOutbound.CLIENT + "}"
            + "&autoCreateQueue=false"
            + "&messageGroupIdStrategy=usePropertyValue&messageDeduplicationIdStrategy=useContentBasedDeduplication";
    // the SDK's Publish from a bean (camel-aws2-sns is not served here)
    static final String SNS_TOPIC = "bean:snsPublisher?method=publish";
    // the PutEventsRequest the body holds, sent as it is; one endpoint per region
    static final String EVENT_BUS = "aws2-eventbridge:destinations?operation=putEvent&pojoRequest=true"
            + "&eventbridgeClient=#${exchangeProperty." + AwsOutbound.CLIENT + "}";

    @Override
    public void configure() {
        from(SEND_SQS)
            .routeId("send-sqs")
            .errorHandler(noErrorHandler())
            .bean(OUTBOUND, "keep")
            .doTry()
                .bean(OUTBOUND, "sqs")
                .toD(SQS_QUEUE).id("send-sqs-message")
            .doCatch(SdkException.class)
                .bean(OUTBOUND, "restore")
                .bean(ERRORS, "rethrow(*, 'sqs')")
            .end()
            .bean(OUTBOUND, "restore")
            .bean(OUTBOUND, "answered(*, 'message_id')");

        from(PUBLISH_SNS)
            .routeId("publish-sns")
            .errorHandler(noErrorHandler())
            .bean(OUTBOUND, "keep")
            .doTry()
                .bean(OUTBOUND, "sns")
                .to(SNS_TOPIC).id("publish-sns-message")
            .doCatch(SdkException.class)
                .bean(OUTBOUND, "restore")
                .bean(ERRORS, "rethrow(*, 'sns')")
            .end()
            .bean(OUTBOUND, "restore")
            .bean(OUTBOUND, "answered(*, 'message_id')");

        from(PUT_EVENTBRIDGE)
            .routeId("put-eventbridge")
            .errorHandler(noErrorHandler())
            .bean(OUTBOUND, "keep")
            .doTry()
                .bean(OUTBOUND, "eventBridge")
                .toD(EVENT_BUS).id("put-eventbridge-event")
            .doCatch(SdkException.class)
                .bean(OUTBOUND, "restore")
                .bean(ERRORS, "rethrow(*, 'eventbridge')")
            .end()
            .bean(OUTBOUND, "restore")
            // a 200 answer can still refuse the entry (FailedEntryCount 1, its ErrorCode): a failure, not a delivery
            .bean(ERRORS, "checkPutEvents")
            .bean(OUTBOUND, "answered(*, 'event_id')");
    }
}
