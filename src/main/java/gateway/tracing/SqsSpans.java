package gateway.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.AbstractMessagingSpanDecorator;

/**
 * Camel's {@code aws2-sqs}: a work queue's consumer (the span a replica starts when it takes a message, continuing the
 * trace of the message's {@code traceparent} attribute) and the sends to the deliveries DLQ.
 */
public class SqsSpans extends AbstractMessagingSpanDecorator {

    static final String MESSAGE_ID_HEADER = "CamelAwsSqsMessageId";
    static final String RECEIVE_COUNT = "gateway.sqs.receive_count";

    @Override
    public String getComponent() {
        return "aws2-sqs";
    }

    @Override
    public String getComponentClassName() {
        return "org.apache.camel.component.aws2.sqs.Sqs2Component";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return "sqs " + getDestination(exchange, endpoint);
    }

    @Override
    public String getDestination(Exchange exchange, Endpoint endpoint) {
        return stripSchemeAndOptions(endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
        Object receiveCount = exchange.getIn().getHeader("CamelAwsSqsAttributes") instanceof java.util.Map<?, ?> attributes
                ? attributes.get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                : null;
        if (receiveCount != null) {
            span.setTag(RECEIVE_COUNT, receiveCount.toString());
        }
    }

    @Override
    protected String getMessageId(Exchange exchange) {
        return exchange.getIn().getHeader(MESSAGE_ID_HEADER, String.class);
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        // not super's: its error event holds the exception's message unredacted (docs/tracing.md)
        GatewaySpans.failed(span, exchange);
        GatewaySpans.ended(span, exchange);
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return GatewaySpans.injector(exchange);
    }
}
