package gateway.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.PlatformHttpSpanDecorator;

/** A caller's request ({@code POST /webhook} and the rest of the business port): the question's first span. */
public class PlatformHttpSpans extends PlatformHttpSpanDecorator {

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
    }

    @Override
    protected String getHttpURL(Exchange exchange, Endpoint endpoint) {
        return GatewaySpans.withoutQuery(super.getHttpURL(exchange, endpoint));
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        // not super's: its error event holds the exception's message unredacted (docs/tracing.md)
        GatewaySpans.answered(span, exchange);
        GatewaySpans.ended(span, exchange);
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return GatewaySpans.injector(exchange);
    }
}
