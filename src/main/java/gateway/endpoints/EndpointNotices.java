package gateway.endpoints;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is told when an endpoint's state changes: one WARN line (one per change, from the replica whose write made it) and the {@code endpoint.paused} / {@code endpoint.resumed} event to the caller's other endpoints that take
 * it (queued by the route {@value #EVENT_ROUTE}).
 */
public class EndpointNotices {

    public static final String EVENT_ROUTE = "direct:endpoint-event";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointNotices.class);

    private final EndpointEvents events;
    private final ProducerTemplate routes;
    private final Clock clock;

    public EndpointNotices(EndpointEvents events, ProducerTemplate routes, Clock clock) {
        this.events = events;
        this.routes = routes;
        this.clock = clock;
    }

    /** A change as written (the store has shown it on the gauge): the log line and the event when the state changed. */
    public void changed(EndpointHealthStore.Change change) {
        EndpointHealth after = change.after();
        if (!change.stateChanged()) {
            return;
        }
        LOG.warn("Endpoint {} is now {} (was {}){}", after.endpoint().label(), after.state().wireName(),
                change.before().state().wireName(), after.reason() == null ? "" : ": " + after.reason());
        EndpointEvents.typeOf(change).ifPresent(type -> {
            ObjectNode message = events.message(type, after, clock.instant());
            List<DeliveryTarget> targets = events.targets(after.endpoint(), type, message.path("event_id").asText());
            if (!targets.isEmpty()) {
                routes.sendBodyAndProperty(EVENT_ROUTE, Json.write(message), FlowProperties.DELIVERY_TARGETS, targets);
            }
        });
    }
}
