package gateway.destinations;

import gateway.delivery.WebhookSigner;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A send to a FIFO queue gets the message's {@code webhook-id} attribute as its {@code MessageDeduplicationId}: the
 * same id on every attempt of one delivery, so a send repeated after a lost answer (a timeout after SQS took it) is
 * dropped by SQS within its five-minute window, and the consumer's own deduplication (by that attribute) catches the
 * rest.
 *
 * <p>Why here: Camel 4.18's {@code aws2-sqs} producer takes the deduplication id only from the exchange id
 * ({@code messageDeduplicationIdStrategy=useExchangeId}: a new one on every receive of the delivery) or sends none
 * ({@code useContentBasedDeduplication}); its strategy option cannot be given an object from the endpoint URI. The
 * route asks for the latter, and this interceptor, on the destinations' SQS clients only, fills the id in. A request
 * that already has one, or goes to a standard queue, is left as it is.
 */
final class SqsFifoDeduplication implements ExecutionInterceptor {

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof SendMessageRequest send && send.queueUrl() != null && send.queueUrl().endsWith(".fifo")
                && send.messageDeduplicationId() == null) {
            MessageAttributeValue id = send.messageAttributes().get(WebhookSigner.HEADER_ID);
            if (id != null && id.stringValue() != null) {
                return send.toBuilder().messageDeduplicationId(id.stringValue()).build();
            }
        }
        return context.request();
    }
}
