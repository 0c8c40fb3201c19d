package gateway.tracing;

import gateway.callers.CallerWebhook;
import gateway.callers.EndpointType;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.TagConstants;
import org.apache.camel.telemetry.decorators.HttpSpanDecorator;

/**
 * One HTTP attempt of a delivery (the {@code http} endpoint of {@code attempt-delivery}): its target's label, its
 * attempt number, the receiver's status and how long it took. The URL is recorded without its query and user info (a
 * Slack or Teams URL as its scheme and host only).
 */
public class WebhookPostSpans extends HttpSpanDecorator {

    public static final String TARGET = "gateway.delivery.target";
    public static final String ATTEMPT = "gateway.delivery.attempt";
    public static final String DURATION_MS = "gateway.duration_ms";
    public static final String OUTCOME = "gateway.outcome";
    private static final String STARTED = "gateway.http_span_started";

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
        exchange.setProperty(STARTED, System.nanoTime());
        DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET, DeliveryTarget.class);
        if (target != null) {
            span.setTag(TARGET, target.label());
        }
        Integer redeliveries = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        span.setTag(ATTEMPT, Integer.toString(redeliveries == null ? 1 : redeliveries + 1));
    }

    @Override
    protected String getHttpURL(Exchange exchange, Endpoint endpoint) {
        String url = GatewaySpans.withoutQuery(super.getHttpURL(exchange, endpoint));
        if (url != null && exchange.getProperty(FlowProperties.ENDPOINT_TYPE) instanceof EndpointType type && type.chat()) {
            // a Slack or Teams URL is a credential as a whole (Slack's secret is its path): scheme and host only
            int path = url.indexOf('/', url.indexOf("://") + 3);
            return (path < 0 ? url : url.substring(0, path)) + CallerWebhook.HIDDEN_PATH;
        }
        return url;
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        // not super's: its error event holds the exception's message unredacted (docs/tracing.md)
        GatewaySpans.answered(span, exchange);
        Long started = exchange.getProperty(STARTED, Long.class);
        if (started != null) {
            span.setTag(DURATION_MS, Long.toString((System.nanoTime() - started) / 1_000_000));
        }
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http) {
            span.setTag(TagConstants.HTTP_STATUS, Integer.toString(http.getStatusCode()));
            span.setTag(OUTCOME, "http_" + http.getStatusCode());
        } else if (failure != null) {
            span.setTag(OUTCOME, failure.getClass().getSimpleName());
        } else {
            span.setTag(OUTCOME, "delivered");
        }
        GatewaySpans.ended(span, exchange);
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return GatewaySpans.injector(exchange);
    }
}
