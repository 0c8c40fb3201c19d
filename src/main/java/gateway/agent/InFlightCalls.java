package gateway.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The agent calls this process has in flight, by tracking id, so that a cancelled question's call can be aborted
 * ({@link #abort}) on whichever replica holds it. Each call registers an abort of its own while it runs; a question may
 * have more than one (SQS may hand a message out twice).
 */
public final class InFlightCalls {

    private final ConcurrentHashMap<String, Set<Runnable>> calls = new ConcurrentHashMap<>();
    private volatile Predicate<String> cancelled = id -> false;

    /**
     * What this process knows to be cancelled (the cancellation watch): a call of such a question is not even started,
     * as when the route's redelivery of a failed call would ask the agent again.
     */
    public void knownCancelled(Predicate<String> cancelled) {
        this.cancelled = cancelled;
    }

    /** Whether the question is known here to be cancelled (see {@link #knownCancelled}). */
    public boolean cancelled(String trackingId) {
        return trackingId != null && cancelled.test(trackingId);
    }

    /** The call of {@code trackingId} is in flight; {@code abort} ends it (it must be safe to run more than once). */
    public void register(String trackingId, Runnable abort) {
        calls.computeIfAbsent(trackingId, id -> ConcurrentHashMap.newKeySet()).add(abort);
    }

    /** The call has ended (answered, failed or aborted). */
    public void unregister(String trackingId, Runnable abort) {
        calls.computeIfPresent(trackingId, (id, aborts) -> {
            aborts.remove(abort);
            return aborts.isEmpty() ? null : aborts;
        });
    }

    /** Aborts the calls of {@code trackingId} in flight here; returns how many there were (0 when none). */
    public int abort(String trackingId) {
        Set<Runnable> aborts = trackingId == null ? null : calls.get(trackingId);
        if (aborts == null) {
            return 0;
        }
        int n = 0;
        for (Runnable abort : aborts.toArray(Runnable[]::new)) {
            abort.run();
            n++;
        }
        return n;
    }

    /** Whether any call is in flight here. */
    public boolean any() {
        return !calls.isEmpty();
    }

    /** Whether a call of {@code trackingId} is in flight here. */
    public boolean inFlight(String trackingId) {
        return trackingId != null && calls.containsKey(trackingId);
    }
}
