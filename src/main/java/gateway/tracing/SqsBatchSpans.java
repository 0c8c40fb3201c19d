package gateway.tracing;

import gateway.sqs.SqsBatchEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.TagConstants;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

/**
 * The gateway's {@code sqs-batch} sends, deletes and visibility changes: one span per exchange (its entry in a batch).
 * A send's span is the parent of the stage that takes the message: its {@code traceparent} header becomes the message's
 * attribute (SqsBatchProducer copies every non-Camel header), unless the exchange keeps its own (a redrive).
 */
public class SqsBatchSpans extends AbstractSpanDecorator {

    @Override
    public String getComponent() {
        return "sqs-batch";
    }

    @Override
    public String getComponentClassName() {
        return "gateway.sqs.SqsBatchComponent";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        if (endpoint instanceof SqsBatchEndpoint batch) {
            return "sqs-batch " + batch.getOperation() + " " + batch.getQueueName();
        }
        return "sqs-batch " + stripSchemeAndOptions(endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
        if (endpoint instanceof SqsBatchEndpoint batch) {
            span.setTag(TagConstants.MESSAGE_BUS_DESTINATION, batch.getQueueName());
            span.setTag("messaging.operation.name", batch.getOperation().name());
        }
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        // not super's: its error event holds the exception's message unredacted (docs/tracing.md)
        GatewaySpans.failed(span, exchange);
        String messageId = exchange.getMessage().getHeader(SqsSpans.MESSAGE_ID_HEADER, String.class);
        if (messageId != null) {
            span.setTag(TagConstants.MESSAGE_ID, messageId);
        }
        GatewaySpans.ended(span, exchange);
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return GatewaySpans.injector(exchange);
    }
}
