package gateway.endpoints;

/** The delivery's endpoint is paused (or releasing its parked deliveries): the delivery is parked, not sent. */
public class EndpointPaused extends RuntimeException {

    public EndpointPaused(EndpointRef endpoint) {
        super("endpoint " + endpoint.label() + " is paused: the delivery is parked", null, false, false);
    }
}
