package gateway.endpoints;

import java.util.Locale;

/**
 * Where an endpoint stands. Deliveries go to a {@link #HEALTHY} or {@link #FAILING} endpoint; a {@link #PAUSED} one gets
 * only its probes, and a {@link #RESUMING} one its parked deliveries, in order, before anything new: both park every
 * other delivery ({@link #holdsDeliveries()}). The gauge {@code gateway_endpoint_state} shows {@link #gauge()}.
 */
public enum EndpointState {
    HEALTHY(0), FAILING(1), PAUSED(2), RESUMING(3);

    private final int gauge;

    EndpointState(int gauge) {
        this.gauge = gauge;
    }

    public int gauge() {
        return gauge;
    }

    /** Whether new deliveries to the endpoint are parked instead of sent. */
    public boolean holdsDeliveries() {
        return this == PAUSED || this == RESUMING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndpointState fromWire(String name) {
        try {
            return name == null ? HEALTHY : valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return HEALTHY;
        }
    }
}
