package gateway.metrics;

import java.time.Duration;

import gateway.agent.AgentCallException;
import gateway.agent.AgentErrors;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Watches the routes' external calls (every {@code to()} reports when it is done) and records agent
 * calls and delivery attempts; the routes need no metrics steps of their own.
 */
public class FlowMetricsNotifier extends EventNotifierSupport {

    private final FlowMetrics metrics;

    public FlowMetricsNotifier(FlowMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
    }

    private void intakeAnswered(Exchange exchange) {
        if (!"webhook-intake".equals(exchange.getFromRouteId())) {
            return;
        }
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 202) {
            metrics.requestAccepted();
        } else if (status >= 400) {
            metrics.requestRejected(status);
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSentEvent || event instanceof ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeCompletedEvent completed) {
            intakeAnswered(completed.getExchange());
            return;
        }
        ExchangeSentEvent sent = (ExchangeSentEvent) event;
        String uri = sent.getEndpoint().getEndpointUri();
        Exchange exchange = sent.getExchange();
        Exception failure = exchange.getException();
        if (uri.startsWith("bedrock-agent:") || uri.startsWith("aws-bedrock-agent-runtime:")) {
            if (failure == null) {
                metrics.agentCall("answered", "none", Duration.ofMillis(sent.getTimeTaken()));
            } else {
                AgentCallException error = AgentErrors.classify(failure);
                metrics.agentCall(error.retryable() ? "retryable_error" : "permanent_error", error.errorCode(),
                        Duration.ofMillis(sent.getTimeTaken()));
            }
        } else if (uri.startsWith("aws2-sqs:") && uri.contains("-dlq") && failure == null) {
            metrics.deadLettered(exchange.getFromRouteId());
        } else if (uri.startsWith("http:") || uri.startsWith("https:")) {
            if (failure == null) {
                metrics.deliveryAttempt("delivered", exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
                metrics.delivered();
            } else if (failure instanceof HttpOperationFailedException http) {
                metrics.deliveryAttempt("rejected", http.getStatusCode());
            } else {
                metrics.deliveryAttempt("unreachable", 0);
            }
        }
    }
}
