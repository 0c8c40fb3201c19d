package gateway.endpoints;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.s3.S3Bucket;
import gateway.tracking.S3RecordStore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Every endpoint's health, shared by the replicas as one small JSON object each in the record store
 * ({@code <S3_PREFIX>endpoints/<endpoint key>.json}), written with the record store's conditional read-modify-write
 * (so two replicas counting failures at once both count). Each replica keeps what it last read or wrote for
 * {@code ENDPOINT_HEALTH_CACHE_SECONDS}: a delivery asks S3 at most that often per endpoint, and a pause decided by
 * another replica is honoured here within that time.
 */
public class EndpointHealthStore {

    static final String FOLDER = "endpoints/";

    /** A change as written: the health before and after it. */
    public record Change(EndpointHealth before, EndpointHealth after) {
        public boolean stateChanged() {
            return before.state() != after.state();
        }
    }

    private record Cached(EndpointHealth health, Instant readAt) {
    }

    private final S3RecordStore store;
    private final S3Bucket bucket;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<EndpointRef, Cached> cache = new ConcurrentHashMap<>();
    private final Consumer<EndpointHealth> seen;

    /** @param seen told of every health this replica reads or writes (the gauges) */
    public EndpointHealthStore(S3RecordStore store, S3Bucket bucket, Duration cacheFor, Clock clock, Consumer<EndpointHealth> seen) {
        this.store = store;
        this.bucket = bucket;
        this.cacheFor = cacheFor;
        this.clock = clock;
        this.seen = seen;
    }

    /** The endpoint's health as this replica last saw it, read again when older than the cache time. */
    public EndpointHealth current(EndpointRef endpoint) {
        Cached cached = cache.get(endpoint);
        Instant now = clock.instant();
        if (cached != null && cached.readAt().plus(cacheFor).isAfter(now)) {
            return cached.health();
        }
        return fresh(endpoint);
    }

    /** The endpoint's health as S3 holds it now. */
    public EndpointHealth fresh(EndpointRef endpoint) {
        Instant now = clock.instant();
        EndpointHealth health = store.readObject(path(endpoint))
                .map(stored -> EndpointHealth.fromJson(endpoint, stored.record()))
                .orElseGet(() -> EndpointHealth.healthy(endpoint));
        cache.put(endpoint, new Cached(health, now));
        seen.accept(health);
        return health;
    }

    /**
     * Applies {@code change} to the health as stored (again, on a conflict with another replica) and writes it when
     * it differs; returns what it was and what it is now.
     */
    public Change update(EndpointRef endpoint, UnaryOperator<EndpointHealth> change) {
        EndpointHealth[] before = new EndpointHealth[1];
        EndpointHealth[] after = new EndpointHealth[1];
        Instant now = clock.instant();
        store.updateObject(path(endpoint), (ObjectNode current) -> {
            EndpointHealth was = EndpointHealth.fromJson(endpoint, current);
            EndpointHealth next = change.apply(was);
            before[0] = was;
            if (next.sameAs(was)) {
                after[0] = was;
                return null; // nothing changes: no write
            }
            after[0] = next.updated(now);
            return after[0].toJson();
        });
        cache.put(endpoint, new Cached(after[0], now));
        seen.accept(after[0]);
        return new Change(before[0], after[0]);
    }

    /** The health this replica knows of (for the gauges): every endpoint it has read or written. */
    public List<EndpointHealth> known() {
        List<EndpointHealth> known = new ArrayList<>();
        cache.values().forEach(c -> known.add(c.health()));
        return known;
    }

    /** The endpoints of {@code caller} that have a health record (null: every endpoint), by listing their keys. */
    public List<EndpointRef> stored(String caller) {
        String root = bucket.key(FOLDER);
        String prefix = root + (caller == null ? "" : EndpointRef.callerKeyPrefix(caller));
        List<EndpointRef> endpoints = new ArrayList<>();
        String token = null;
        try {
            do {
                String next = token;
                ListObjectsV2Response page = bucket.client().listObjectsV2(r -> {
                    r.bucket(bucket.name()).prefix(prefix);
                    if (next != null) {
                        r.continuationToken(next);
                    }
                });
                for (S3Object object : page.contents()) {
                    String name = object.key().substring(root.length());
                    if (name.endsWith(".json")) {
                        EndpointRef.fromKey(name.substring(0, name.length() - ".json".length())).ifPresent(endpoints::add);
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new EndpointStoreUnavailable("endpoint store: cannot list endpoints (" + e.getClass().getSimpleName() + ")", e);
        }
        return endpoints;
    }

    static String path(EndpointRef endpoint) {
        return FOLDER + endpoint.key() + ".json";
    }
}
