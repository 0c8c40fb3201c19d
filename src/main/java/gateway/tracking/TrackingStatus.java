package gateway.tracking;

import java.util.Locale;

/**
 * The stages a request goes through, in order. A record's status only moves forward: a write that
 * arrives late (writes are asynchronous, and stages may run on different replicas) still lands in the
 * history, but never moves the status back. Stages of the same rank (answered / failed, delivered /
 * dead-lettered, repeated delivering) replace each other by time.
 *
 * <p>{@link #CANCELLED} (the caller's {@code DELETE /webhook/{tracking_id}}) is above them all and final: no later
 * stage, late write, redrive or resend moves a cancelled request's status (see {@link TrackingRecord#apply}); its
 * {@code query.cancelled} deliveries show in its deliveries only.
 */
public enum TrackingStatus {
    QUEUED(0),
    PROCESSING(1),
    ANSWERED(2),
    FAILED(2),
    DELIVERING(3),
    DELIVERED(4),
    DEAD_LETTERED(4),
    CANCELLED(5);

    private final int rank;

    TrackingStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** The name in records and on the status endpoint: {@code queued}, {@code dead_lettered}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once the agent stage is done (its delivery message is in the record). */
    public boolean agentDone() {
        return rank >= ANSWERED.rank;
    }

    /** True once the delivery stage has the message (it was enqueued for delivery). */
    public boolean deliveryStarted() {
        return rank >= DELIVERING.rank;
    }

    /** True when the delivery has ended (delivered or dead-lettered). */
    public boolean ended() {
        return rank >= DELIVERED.rank;
    }

    public static TrackingStatus fromWire(String name) {
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
