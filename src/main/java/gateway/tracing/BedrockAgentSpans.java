package gateway.tracing;

import gateway.agent.BedrockAgentEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

/**
 * One InvokeAgent call ({@code bedrock-agent}, the {@code invoke-agent} node): the agent id and alias, the attempt
 * (each of the route's retries is a span of its own), how long it took and its outcome ({@code answered} or the
 * failure's kind).
 */
public class BedrockAgentSpans extends AbstractSpanDecorator {

    public static final String AGENT_ID = "gateway.agent.id";
    public static final String ALIAS_ID = "gateway.agent.alias_id";
    public static final String ATTEMPT = "gateway.agent.attempt";
    private static final String STARTED = "gateway.agent_span_started";

    @Override
    public String getComponent() {
        return "bedrock-agent";
    }

    @Override
    public String getComponentClassName() {
        return "gateway.agent.BedrockAgentComponent";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return "InvokeAgent";
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        GatewaySpans.started(span, exchange);
        exchange.setProperty(STARTED, System.nanoTime());
        if (endpoint instanceof BedrockAgentEndpoint agent) {
            span.setTag(AGENT_ID, agent.getAgentId());
            if (agent.getAliasId() != null) {
                span.setTag(ALIAS_ID, agent.getAliasId());
            }
        }
        Integer redeliveries = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        span.setTag(ATTEMPT, Integer.toString(redeliveries == null ? 1 : redeliveries + 1));
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        // not super's: its error event holds the exception's message unredacted (docs/tracing.md)
        GatewaySpans.failed(span, exchange);
        Long started = exchange.getProperty(STARTED, Long.class);
        if (started != null) {
            span.setTag(WebhookPostSpans.DURATION_MS, Long.toString((System.nanoTime() - started) / 1_000_000));
        }
        Exception failure = exchange.getException();
        span.setTag(WebhookPostSpans.OUTCOME, failure == null ? "answered" : failure.getClass().getSimpleName());
        GatewaySpans.ended(span, exchange);
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return GatewaySpans.injector(exchange);
    }
}
