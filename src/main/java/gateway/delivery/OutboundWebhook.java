package gateway.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import gateway.flow.MalformedMessageException;
import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.MDC;

/**
 * Turns a deliveries-queue message into the signed webhook request: the seed-compatible payload, the
 * original headers ({@code X-Webhook-Source}, {@code X-Tracking-ID}) and Standard Webhooks signing
 * ({@code webhook-id} stable across attempts, {@code webhook-timestamp}, {@code webhook-signature}).
 */
public class OutboundWebhook {

    public static final String HEADER_SOURCE = "X-Webhook-Source";
    public static final String HEADER_TRACKING_ID = "X-Tracking-ID";

    private final String url;
    private final String source;
    private final WebhookSigner signer;
    private final DeliveryPayload payload;
    private final Clock clock;

    public OutboundWebhook(String url, String source, WebhookSigner signer, DeliveryPayload payload, Clock clock) {
        this.url = url;
        this.source = source;
        this.signer = signer;
        this.payload = payload;
        this.clock = clock;
    }

    /** Returns the payload to POST and sets the request headers; the SQS headers are kept for the delete. */
    public String prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        DeliveryMessage delivery;
        try {
            delivery = DeliveryMessage.parse(message.getBody(String.class));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        exchange.setProperty("tracking_id", delivery.trackingId());
        exchange.setProperty("webhook_id", delivery.webhookId());
        MDC.put("tracking_id", delivery.trackingId());

        Instant now = clock.instant();
        String body = payload.build(delivery, now);
        // nothing of the SQS message goes out as an HTTP header; the receipt handle stays for the delete
        exchange.setProperty(DeadLetters.RECEIVE_COUNT, DeadLetters.receiveCount(exchange));
        message.removeHeaders("*", DeadLetters.RECEIPT_HANDLE);
        message.setHeader(Exchange.HTTP_URI, url);
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
