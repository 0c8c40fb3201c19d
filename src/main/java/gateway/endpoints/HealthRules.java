package gateway.endpoints;

import java.time.Duration;
import java.time.Instant;

/**
 * How an endpoint's health moves (every change is one of these, applied to the health as stored):
 * <ul>
 *   <li>a failed attempt (408, 429, 5xx, a timeout, a connection error) counts; {@code ENDPOINT_PAUSE_FAILURES}
 *       consecutive ones spanning at least {@code ENDPOINT_PAUSE_AFTER} pause it; {@code 410 Gone} pauses it at once;</li>
 *   <li>a success clears the count; a success while paused (an attempt already on its way) brings the probe forward;</li>
 *   <li>a paused endpoint is probed (not one paused by hand) after {@code ENDPOINT_PROBE_MIN}, the wait doubling to
 *       {@code ENDPOINT_PROBE_MAX}; a probe that succeeds makes it {@code resuming}: its parked deliveries go, then it
 *       is healthy; a failure while resuming pauses it again;</li>
 *   <li>the caller or an operator may pause it (no probes) and resume it.</li>
 * </ul>
 * Other refusals (a 4xx but 408, 410 and 429; the SSRF guard) say nothing of the endpoint's health and do not count.
 */
public final class HealthRules {

    /** A success is written at most this often while nothing else changes (the record's {@code last_success_at}). */
    static final Duration SUCCESS_REFRESH = Duration.ofMinutes(5);

    private final int pauseFailures;
    private final Duration pauseAfter;
    private final Duration probeMin;
    private final Duration probeMax;

    public HealthRules(int pauseFailures, Duration pauseAfter, Duration probeMin, Duration probeMax) {
        if (pauseFailures < 1) {
            throw new IllegalArgumentException("ENDPOINT_PAUSE_FAILURES must be at least 1");
        }
        if (pauseAfter.isNegative() || probeMin.isNegative() || probeMin.isZero() || probeMax.compareTo(probeMin) < 0) {
            throw new IllegalArgumentException("ENDPOINT_PAUSE_AFTER must be 0 or more, ENDPOINT_PROBE_MIN positive and at most ENDPOINT_PROBE_MAX");
        }
        this.pauseFailures = pauseFailures;
        this.pauseAfter = pauseAfter;
        this.probeMin = probeMin;
        this.probeMax = probeMax;
    }

    public int pauseFailures() {
        return pauseFailures;
    }

    public Duration pauseAfter() {
        return pauseAfter;
    }

    /**
     * A failed attempt ({@code error} its code); {@code gone}: the receiver answered 410, or a chat service or AWS
     * destination said the endpoint is gone or refuses until its owner acts ({@code slack_channel_not_found}).
     */
    public EndpointHealth failed(EndpointHealth health, String error, boolean gone, Instant now) {
        int count = health.consecutiveFailures() + 1;
        Instant first = health.consecutiveFailures() == 0 || health.firstFailureAt() == null ? now : health.firstFailureAt();
        EndpointHealth counted = health.failures(count, first, now, error);
        if (health.state() == EndpointState.PAUSED) {
            return counted;
        }
        if (gone) {
            return paused(counted, EndpointHealth.BY_GONE, "HTTP_410".equals(error) ? "paused: the receiver answered 410 Gone"
                    : "paused: the receiver refuses deliveries until its owner acts (" + error + ")", now);
        }
        if (health.state() == EndpointState.RESUMING) {
            return paused(counted, EndpointHealth.BY_FAILURES,
                    "paused again: an attempt failed (" + error + ") while its parked deliveries were being released", now);
        }
        Duration span = Duration.between(first, now);
        if (count >= pauseFailures && span.compareTo(pauseAfter) >= 0) {
            return paused(counted, EndpointHealth.BY_FAILURES, "paused after " + count + " consecutive failed attempts over "
                    + words(span) + " (last: " + error + ")", now);
        }
        return counted.with(EndpointState.FAILING, count + " consecutive failed attempt" + (count == 1 ? "" : "s")
                + " since " + first + " (last: " + error + ")", null);
    }

    /** A 2xx from the endpoint. */
    public EndpointHealth succeeded(EndpointHealth health, Instant now) {
        EndpointHealth ok = health.succeededAt(now);
        return switch (health.state()) {
            case HEALTHY, FAILING -> ok.failures(0, null, health.lastFailureAt(), health.lastError())
                    .with(EndpointState.HEALTHY, null, null);
            // an attempt sent before the pause got through: the endpoint may be back, probe it now
            case PAUSED -> health.pausedByHand() ? ok : ok.probe(now, health.probeDelaySeconds());
            case RESUMING -> ok;
        };
    }

    /**
     * Whether a success must be written: it changes the state or the failure count (failing, paused), or the stored
     * {@code last_success_at} is old. The deliveries a resuming endpoint releases do not write it each.
     */
    public boolean successChanges(EndpointHealth health, Instant now) {
        return health.state() == EndpointState.FAILING || health.state() == EndpointState.PAUSED
                || health.consecutiveFailures() > 0 || health.lastSuccessAt() == null
                || health.lastSuccessAt().plus(SUCCESS_REFRESH).isBefore(now);
    }

    /** Paused by the caller ({@link EndpointHealth#BY_CALLER}) or an operator: nothing is sent, not even probes. */
    public EndpointHealth pausedByHand(EndpointHealth health, String by, Instant now) {
        if (health.pausedByHand()) {
            return health;
        }
        return health.pause(now, null, 0).with(EndpointState.PAUSED, "paused by " + ("caller".equals(by) ? "the caller" : "an operator"), by);
    }

    /** Resumed by the caller or an operator: its parked deliveries go, in order, then it is healthy. */
    public EndpointHealth resumedByHand(EndpointHealth health, String by, Instant now) {
        if (health.state() == EndpointState.HEALTHY || health.state() == EndpointState.RESUMING) {
            return health;
        }
        return health.resume(now).with(EndpointState.RESUMING,
                "resumed by " + ("caller".equals(by) ? "the caller" : "an operator") + ": its parked deliveries are being released", null);
    }

    /** Parked deliveries to send again (a recover): a healthy or failing endpoint releases them, in order. */
    public EndpointHealth releaseRequested(EndpointHealth health, Instant now) {
        if (health.holdsDeliveries()) {
            return health;
        }
        return health.resume(now).with(EndpointState.RESUMING, "recovering: deliveries are being sent again, in order", null);
    }

    /** Whether a probe is due: paused by its failures (not by hand) and its probe time has come. */
    public boolean probeDue(EndpointHealth health, Instant now) {
        return health.state() == EndpointState.PAUSED && !health.pausedByHand()
                && (health.nextProbeAt() == null || !health.nextProbeAt().isAfter(now));
    }

    /** A probe is taken: the next one is scheduled now (a replica that crashes mid-probe leaves the next to another). */
    public EndpointHealth probeTaken(EndpointHealth health, Instant now) {
        long delay = Math.max(probeMin.toSeconds(), Math.min(probeMax.toSeconds(), health.probeDelaySeconds() * 2));
        return health.probe(now.plusSeconds(delay), delay);
    }

    /** The probe got a 2xx: the endpoint is back; it is resuming until its parked deliveries have gone. */
    public EndpointHealth probeSucceeded(EndpointHealth health, Instant now) {
        if (health.state() != EndpointState.PAUSED) {
            return health.succeededAt(now);
        }
        return health.succeededAt(now).resume(now).with(EndpointState.RESUMING,
                "a probe succeeded: its parked deliveries are being released", null);
    }

    /** This replica may release the parked deliveries until {@code until}, unless another holds the lease. */
    public EndpointHealth releaseTaken(EndpointHealth health, String owner, Instant now, Instant until) {
        boolean heldElsewhere = health.releaseOwner() != null && !health.releaseOwner().equals(owner)
                && health.releaseUntil() != null && health.releaseUntil().isAfter(now);
        return heldElsewhere ? health : health.release(owner, until);
    }

    /** The parked lane is empty: a resuming endpoint is healthy again; the lease is given back. */
    public EndpointHealth released(EndpointHealth health, String owner) {
        EndpointHealth free = owner.equals(health.releaseOwner()) ? health.release(null, null) : health;
        return health.state() == EndpointState.RESUMING ? free.with(EndpointState.HEALTHY, null, null) : free;
    }

    /** How long the first probe waits after a pause. */
    Duration probeMin() {
        return probeMin;
    }

    private EndpointHealth paused(EndpointHealth health, String by, String reason, Instant now) {
        return health.pause(now, now.plus(probeMin), probeMin.toSeconds()).with(EndpointState.PAUSED, reason, by);
    }

    static String words(Duration span) {
        long seconds = span.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = span.toMinutes();
        if (minutes < 120) {
            return minutes + " min";
        }
        return span.toHours() < 48 ? span.toHours() + " h" : span.toDays() + " d";
    }
}
