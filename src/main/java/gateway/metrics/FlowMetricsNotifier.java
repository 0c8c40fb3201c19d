package gateway.metrics;

import java.time.Duration;
import java.util.Set;

import gateway.agent.AgentCallCancelled;
import gateway.agent.AgentCallException;
import gateway.agent.AgentErrors;
import gateway.delivery.DeliveryTarget;
import gateway.endpoints.EndpointTests;
import gateway.flow.FlowProperties;
import gateway.net.BlockedAddressException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Watches the routes' external calls (every {@code to()} and {@code toD()} reports when it is done) and records
 * agent calls, delivery attempts and dead letters; the routes need no metrics steps of their own. A call is
 * known by its node id, the {@code .id(...)} it has in the route, and an answer of the intake by its route id:
 * never by its endpoint URI, which settings (and, for a webhook, the receiver) decide. (A counted node sends to
 * an endpoint: a {@code direct:} step to another route would hand the note to that route's nodes.)
 */
public class FlowMetricsNotifier extends EventNotifierSupport {

    /** The agent calls: the bedrock-agent endpoint, and retrieveAndGenerate in knowledge-base mode. */
    public static final Set<String> AGENT_CALLS = Set.of("invoke-agent", "retrieve-and-generate");
    /** The webhook POST to the receiver, and a Slack or Teams message POSTed to its service. */
    public static final Set<String> WEBHOOK_POSTS = Set.of("post-webhook", "post-chat");
    /**
     * The one AWS call of a delivery to an SQS, SNS or EventBridge endpoint (routes.AwsDestinationRoutes); an endpoint's
     * test event goes through the same nodes and is no delivery, so it is not counted.
     */
    public static final Set<String> DESTINATION_SENDS = Set.of("send-sqs-message", "publish-sns-message", "put-eventbridge-event");
    /**
     * The writes to a dead-letter queue are known by a naming rule, not a list: every node that sends an entry to a DLQ
     * has an id that starts with this, and no other node's does ({@code routes.FlowMetricsTest} checks both), so a new
     * dead-letter hop is counted as soon as it is named. Counted by the stage (route) whose message it ends.
     */
    public static final String DEAD_LETTER_NODE_PREFIX = "dead-letter-";

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
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        // the sending event too: Camel times a send, and reports it sent, only when a notifier takes its sending event
        return event instanceof ExchangeSendingEvent || event instanceof ExchangeSentEvent
                || event instanceof ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeCompletedEvent completed) {
            intakeAnswered(completed.getExchange());
            return;
        }
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        // the node being processed: Camel notes it on the exchange while that node's send is under way
        String node = exchange.getExchangeExtension().getHistoryNodeId();
        if (node == null) {
            return;
        }
        Exception failure = exchange.getException();
        if (AGENT_CALLS.contains(node)) {
            agentCalled(failure, Duration.ofMillis(sent.getTimeTaken()));
        } else if (WEBHOOK_POSTS.contains(node)) {
            webhookPosted(exchange, failure);
        } else if (DESTINATION_SENDS.contains(node) && exchange.getProperty(EndpointTests.ENDPOINT) == null) {
            destinationSent(exchange, failure);
        } else if (node.startsWith(DEAD_LETTER_NODE_PREFIX) && failure == null) {
            DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET, DeliveryTarget.class);
            metrics.deadLettered(exchange.getFromRouteId(), callerLabel(target), endpointLabel(target));
        }
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

    private void agentCalled(Exception failure, Duration took) {
        if (failure == null) {
            metrics.agentCall("answered", "none", took);
        } else if (failure instanceof AgentCallCancelled) {
            // aborted because its caller cancelled the question: not an agent error
            metrics.agentCall("cancelled", "none", took);
        } else {
            AgentCallException error = AgentErrors.classify(failure);
            metrics.agentCall(error.retryable() ? "retryable_error" : "permanent_error", error.errorCode(), took);
        }
    }

    private void webhookPosted(Exchange exchange, Exception failure) {
        DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET, DeliveryTarget.class);
        String caller = callerLabel(target);
        String endpoint = endpointLabel(target);
        if (failure == null) {
            metrics.deliveryAttempt("delivered", exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class),
                    caller, endpoint);
            metrics.delivered(caller, endpoint);
        } else if (failure instanceof HttpOperationFailedException http) {
            metrics.deliveryAttempt("rejected", http.getStatusCode(), caller, endpoint);
        } else if (failure instanceof BlockedAddressException) {
            metrics.deliveryAttempt("blocked", 0, caller, endpoint);
        } else {
            metrics.deliveryAttempt("unreachable", 0, caller, endpoint);
        }
    }

    private void destinationSent(Exchange exchange, Exception failure) {
        DeliveryTarget target = exchange.getProperty(FlowProperties.DELIVERY_TARGET, DeliveryTarget.class);
        String caller = callerLabel(target);
        String endpoint = endpointLabel(target);
        if (failure == null) {
            metrics.deliveryAttempt("delivered", 200, caller, endpoint);
            metrics.delivered(caller, endpoint);
        } else if (failure instanceof AwsServiceException refused && refused.statusCode() > 0) {
            // AWS answered: its HTTP status (403 access denied, 400 invalid or throttled, 5xx) is the status class
            metrics.deliveryAttempt("rejected", refused.statusCode(), caller, endpoint);
        } else {
            metrics.deliveryAttempt("unreachable", 0, caller, endpoint);
        }
    }

    /** Metric labels name the target, never its URL; a message of another stage has none. */
    private static String callerLabel(DeliveryTarget target) {
        return target == null ? "none" : target.callerLabel();
    }

    private static String endpointLabel(DeliveryTarget target) {
        return target == null ? "none" : target.endpointLabel();
    }
}
