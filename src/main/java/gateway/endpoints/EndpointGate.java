package gateway.endpoints;

import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;

import gateway.delivery.DeliveryFailures;
import gateway.delivery.DeliveryOutcome;
import gateway.delivery.DestinationFailure;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.s3.StoreUnavailable;
import gateway.tracing.GatewaySpans;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage's view of its endpoints' health: before each attempt, whether the endpoint takes deliveries
 * ({@link #admit}: {@link EndpointPaused} when it is paused or releasing what it parked); after each, what the attempt
 * says of the endpoint ({@link #failed}, {@link #succeeded}). A release or a probe sends to a paused endpoint on purpose
 * ({@link FlowProperties#PARKED_KEY} set). When the health cannot be read or written the delivery goes on as it would
 * without it (its own retries, schedule and DLQ): the store's outage is counted and logged, nothing is held back or lost.
 */
public class EndpointGate {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointGate.class);

    private final EndpointHealthStore health;
    private final HealthRules rules;
    private final EndpointNotices notices;
    private final Clock clock;

    public EndpointGate(EndpointHealthStore health, HealthRules rules, EndpointNotices notices, Clock clock) {
        this.health = health;
        this.rules = rules;
        this.notices = notices;
        this.clock = clock;
    }

    /** Throws {@link EndpointPaused} when the delivery's endpoint holds its deliveries (not for a release or a probe). */
    public void admit(Exchange exchange) {
        if (exchange.getProperty(FlowProperties.PARKED_KEY) == null && holds(exchange)) {
            throw new EndpointPaused(endpoint(exchange));
        }
    }

    /** Whether the delivery's endpoint is paused or resuming (as this replica saw it at most the cache time ago). */
    public boolean holds(Exchange exchange) {
        EndpointRef endpoint = endpoint(exchange);
        if (endpoint == null) {
            return false;
        }
        try {
            return health.current(endpoint).holdsDeliveries();
        } catch (StoreUnavailable e) {
            LOG.warn("Endpoint {}: its health cannot be read ({}): delivering as usual", endpoint.label(), e.getMessage());
            return false;
        }
    }

    /**
     * After a failed attempt: 408, 429, 5xx and network errors count, 410 pauses (and a destination's answer that means
     * the same: {@link DestinationFailure#pausesEndpoint()}); other refusals say nothing.
     */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        boolean gone = DeliveryFailures.gone(cause);
        if (!gone && DeliveryOutcome.classify(cause) != DeliveryOutcome.RETRYABLE) {
            return;
        }
        String code = DeliveryOutcome.failure(cause, null).code();
        change(exchange, h -> rules.failed(h, code, gone, clock.instant()));
    }

    /** Throws the failure the route caught again (after {@link #failed}), for the caller's error handler. */
    public void rethrow(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught != null) {
            throw caught;
        }
    }

    /** After a 2xx: written only when it changes something (see {@link HealthRules#successChanges}). */
    public void succeeded(Exchange exchange) {
        EndpointRef endpoint = endpoint(exchange);
        if (endpoint == null) {
            return;
        }
        try {
            if (rules.successChanges(health.current(endpoint), clock.instant())) {
                change(exchange, h -> rules.succeeded(h, clock.instant()));
            }
        } catch (StoreUnavailable e) {
            LOG.warn("Endpoint {}: its health cannot be read ({})", endpoint.label(), e.getMessage());
        }
    }

    private void change(Exchange exchange, UnaryOperator<EndpointHealth> change) {
        EndpointRef endpoint = endpoint(exchange);
        if (endpoint == null) {
            return;
        }
        try {
            EndpointHealthStore.Change changed = health.update(endpoint, change);
            notices.changed(changed);
            if (changed.stateChanged()) {
                // on the span of the attempt that changed it (docs/tracing.md)
                GatewaySpans.event(GatewaySpans.current(exchange), "endpoint." + changed.after().state().wireName(),
                        Map.of("gateway.endpoint", endpoint.label(), "gateway.endpoint.was", changed.before().state().wireName(),
                                "gateway.endpoint.reason", String.valueOf(changed.after().reason())));
            }
        } catch (StoreUnavailable e) {
            LOG.warn("Endpoint {}: its health cannot be written ({})", endpoint.label(), e.getMessage());
        }
    }

    static EndpointRef endpoint(Exchange exchange) {
        return exchange.getProperty(FlowProperties.DELIVERY_TARGET) instanceof DeliveryTarget target ? EndpointRef.of(target) : null;
    }
}
