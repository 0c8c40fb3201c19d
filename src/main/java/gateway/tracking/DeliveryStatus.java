package gateway.tracking;

import java.util.Locale;

/**
 * Where one delivery of a request's result (one target, one {@code webhook-id}) stands. Like the record's
 * {@link TrackingStatus} it only moves forward: a late write never undoes a later step; the two ends (delivered,
 * dead-lettered) replace each other by time (a redriven delivery that succeeds after its dead letter).
 */
public enum DeliveryStatus {
    PENDING(0),
    DELIVERING(1),
    /** Waiting in its endpoint's lane while the endpoint is paused (the same rank as delivering: the later wins). */
    PARKED(1),
    DELIVERED(2),
    DEAD_LETTERED(2);

    private final int rank;

    DeliveryStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** True once its message is being delivered (an attempt was made or is about to be). */
    public boolean started() {
        return rank >= DELIVERING.rank;
    }

    /** True when the delivery has ended (delivered or dead-lettered). */
    public boolean ended() {
        return rank >= DELIVERED.rank;
    }

    /** The name in records and on the status endpoint: {@code pending}, {@code dead_lettered}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus fromWire(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
