package gateway.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.sqs.DeadLetters;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.MDC;

/**
 * Turns a deliveries-queue message into the signed webhook request: the seed-compatible payload, the
 * original headers ({@code X-Webhook-Source}, {@code X-Tracking-ID}), Standard Webhooks signing
 * ({@code webhook-id} stable across attempts, {@code webhook-timestamp}, {@code webhook-signature}), and
 * the target the route POSTs to ({@link FlowProperties#WEBHOOK_URL}).
 *
 * <p>The target's own query string, if it has one, goes as the {@code CamelHttpQuery} header rather than in
 * the endpoint URI: the route's {@code toD} then adds its options after a URL without a query, and a
 * receiver's parameter can never be taken for an option of the http endpoint.
 */
public class OutboundWebhook {

    public static final String HEADER_SOURCE = "X-Webhook-Source";
    public static final String HEADER_TRACKING_ID = "X-Tracking-ID";

    private final String target;
    private final String targetQuery;
    private final String source;
    private final WebhookSigner signer;
    private final DeliveryPayload payload;
    private final Clock clock;

    public OutboundWebhook(String url, String source, WebhookSigner signer, DeliveryPayload payload, Clock clock) {
        int query = url.indexOf('?');
        this.target = query < 0 ? url : url.substring(0, query);
        this.targetQuery = query < 0 || query == url.length() - 1 ? null : url.substring(query + 1);
        this.source = source;
        this.signer = signer;
        this.payload = payload;
        this.clock = clock;
    }

    /** Returns the payload to POST and sets the request headers; the SQS headers are kept for the delete. */
    public String prepare(@Body String deliveryMessage, Exchange exchange) {
        DeliveryMessage delivery;
        try {
            delivery = DeliveryMessage.parse(deliveryMessage);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        exchange.setProperty(FlowProperties.TRACKING_ID, delivery.trackingId());
        exchange.setProperty(FlowProperties.WEBHOOK_ID, delivery.webhookId());
        exchange.setProperty(FlowProperties.WEBHOOK_URL, target);
        MDC.put(FlowProperties.TRACKING_ID, delivery.trackingId());

        Instant now = clock.instant();
        String body = payload.build(delivery, now);
        // nothing of the SQS message goes out as an HTTP header; the receipt handle stays for the delete
        exchange.setProperty(DeadLetters.RECEIVE_COUNT, DeadLetters.receiveCount(exchange));
        Message message = exchange.getMessage();
        message.removeHeaders("*", Sqs2Constants.RECEIPT_HANDLE);
        if (targetQuery != null) {
            message.setHeader(Exchange.HTTP_QUERY, targetQuery);
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(HEADER_SOURCE, source);
        message.setHeader(HEADER_TRACKING_ID, delivery.trackingId());
        if (signer != null) {
            Map<String, String> signing = signer.headers(delivery.webhookId(), now.getEpochSecond(), body);
            signing.forEach(message::setHeader);
        } else {
            message.setHeader(WebhookSigner.HEADER_ID, delivery.webhookId());
            message.setHeader(WebhookSigner.HEADER_TIMESTAMP, Long.toString(now.getEpochSecond()));
        }
        return body;
    }
}
