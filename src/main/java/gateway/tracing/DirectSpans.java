package gateway.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.DirectSpanDecorator;

/** The gateway's inner routes ({@code direct:attempt-delivery}, {@code direct:record-change}, ...), named by route. */
public class DirectSpans extends DirectSpanDecorator {

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
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
