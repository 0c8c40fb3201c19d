package gateway.endpoints;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.Body;

/**
 * What the endpoint-health timer does for each endpoint that has parked deliveries or that this replica knows to be
 * paused or resuming (routes.EndpointHealthRoute): parked deliveries past {@code PARKED_RETENTION} found (they are
 * dead-lettered), a probe taken when one is due (the oldest parked delivery, as itself), the parked deliveries released
 * in order when the endpoint takes deliveries again, and a resuming endpoint made healthy once its lane is empty. A probe
 * or a release is taken through the shared health first (the probe's next time moved on, the release's lease), so only
 * one replica does each.
 */
public class EndpointMaintenance {

    private final EndpointHealthStore health;
    private final HealthRules rules;
    private final DeliveryLane parked;
    private final EndpointNotices notices;
    private final EndpointGauges gauges;
    private final Clock clock;
    private final String owner;
    private final Duration retention;
    private final int batch;
    private final Duration lease;
    private final Set<EndpointRef> counted = new HashSet<>();

    /**
     * @param owner     this replica, as the release lease names it
     * @param retention {@code PARKED_RETENTION}
     * @param batch     parked deliveries released per endpoint and pass
     * @param lease     how long a release is this replica's without being renewed
     */
    public EndpointMaintenance(EndpointHealthStore health, HealthRules rules, DeliveryLane parked, EndpointNotices notices,
            EndpointGauges gauges, Clock clock, String owner, Duration retention, int batch, Duration lease) {
        this.health = health;
        this.rules = rules;
        this.parked = parked;
        this.notices = notices;
        this.gauges = gauges;
        this.clock = clock;
        this.owner = owner;
        this.retention = retention;
        this.batch = batch;
        this.lease = lease;
    }

    /** The endpoints to look at: those with parked deliveries (one LIST), and those this replica knows to hold deliveries. */
    public synchronized List<EndpointRef> endpoints() {
        Set<EndpointRef> endpoints = new LinkedHashSet<>(parked.endpoints());
        for (EndpointRef gone : counted) {
            if (!endpoints.contains(gone)) {
                gauges.parked(gone, 0);
            }
        }
        counted.retainAll(endpoints);
        health.known().stream().filter(EndpointHealth::holdsDeliveries).map(EndpointHealth::endpoint).forEach(endpoints::add);
        return List.copyOf(endpoints);
    }

    /** Counts the endpoint's parked deliveries for the gauge. */
    public synchronized void count(@Body EndpointRef endpoint) {
        long count = parked.count(endpoint, 1_000_000);
        gauges.parked(endpoint, count);
        if (count > 0) {
            counted.add(endpoint);
        }
    }

    /** Its parked deliveries parked longer than {@code PARKED_RETENTION}, oldest first (at most a batch). */
    public List<DeliveryLane.Entry> expired(@Body EndpointRef endpoint) {
        Instant oldest = clock.instant().minus(retention);
        return parked.list(endpoint, null, batch).stream()
                .filter(entry -> entry.storedAt() != null && entry.storedAt().isBefore(oldest)).toList();
    }

    /**
     * A probe, when one is due and this replica took it: the oldest parked delivery. Null otherwise. A paused endpoint
     * with nothing parked has nothing to probe with: it resumes, and its next delivery shows how it is.
     */
    public DeliveryLane.Entry probe(@Body EndpointRef endpoint) {
        Instant now = clock.instant();
        if (!rules.probeDue(health.fresh(endpoint), now)) {
            return null;
        }
        EndpointHealthStore.Change taken = health.update(endpoint, h -> rules.probeDue(h, now) ? rules.probeTaken(h, now) : h);
        if (taken.after().sameAs(taken.before())) {
            return null; // another replica took it
        }
        List<DeliveryLane.Entry> oldest = parked.list(endpoint, null, 1);
        if (oldest.isEmpty()) {
            probeSucceeded(endpoint);
            return null;
        }
        gauges.probed(endpoint);
        return oldest.get(0);
    }

    /** The reason a delivery parked too long is dead-lettered with. */
    public ParkedTooLong tooLong() {
        return new ParkedTooLong(HealthRules.words(retention));
    }

    /** The probe got a 2xx: the endpoint resumes (its parked deliveries go next). */
    public void probeSucceeded(@Body EndpointRef endpoint) {
        notices.changed(health.update(endpoint, h -> rules.probeSucceeded(h, clock.instant())));
    }

    /**
     * The next parked deliveries to release, oldest first, when the endpoint takes deliveries and this replica holds the
     * release lease (taken or renewed now); empty otherwise. An empty lane ends the release: a resuming endpoint is
     * healthy again.
     */
    public List<DeliveryLane.Entry> release(@Body EndpointRef endpoint) {
        Instant now = clock.instant();
        if (health.fresh(endpoint).state() == EndpointState.PAUSED) {
            return List.of();
        }
        EndpointHealthStore.Change taken = health.update(endpoint,
                h -> h.state() == EndpointState.PAUSED ? h : rules.releaseTaken(h, owner, now, now.plus(lease)));
        if (!owner.equals(taken.after().releaseOwner())) {
            return List.of();
        }
        List<DeliveryLane.Entry> next = parked.list(endpoint, null, batch);
        if (next.isEmpty()) {
            notices.changed(health.update(endpoint, h -> rules.released(h, owner)));
        }
        return next;
    }
}
