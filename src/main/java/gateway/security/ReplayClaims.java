package gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import gateway.idempotency.IdempotencyRecord;
import gateway.idempotency.IdempotencyStore;
import gateway.json.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook-ids of signed requests, claimed in the store every replica shares ({@code <S3_PREFIX>inbound-replay/},
 * as the idempotency keys are), so a captured signed request is accepted once in all, not once per replica. A claim is
 * a conditional create: exactly one replica wins an id. It holds for {@code window} (twice the signature tolerance:
 * after that the signature's timestamp is stale anyway, and the id may be claimed again). Released (after a 503, so
 * the sender's retry is not taken for a replay) by writing it as expired, which needs no delete permission.
 *
 * <p>Cost: one S3 PutObject per signed request (a replay adds a GetObject); none for requests with API keys.
 */
public class ReplayClaims {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayClaims.class);
    private static final int ATTEMPTS = 3;

    private final IdempotencyStore store;
    private final Duration window;
    private final Clock clock;

    public ReplayClaims(IdempotencyStore store, Duration window, Clock clock) {
        this.store = store;
        this.window = window;
        this.clock = clock;
    }

    /**
     * True when this replica claimed the id now; false when it was claimed already (a replay). Throws
     * {@link gateway.idempotency.IdempotencyStoreUnavailable} when the store cannot be used (the request gets 503).
     */
    public boolean claim(String webhookId) {
        String key = key(webhookId);
        IdempotencyRecord claim = new IdempotencyRecord("", "", Timestamps.format(clock.instant()), true);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (store.create(key, claim)) {
                return true;
            }
            Optional<IdempotencyStore.Stored> stored = store.read(key);
            if (stored.isEmpty()) {
                continue;
            }
            if (!stored.get().record().expired(clock.instant(), window)) {
                return false;
            }
            if (store.replace(key, stored.get().version(), claim)) {
                return true; // an old claim (or a released one): taken over
            }
        }
        return false; // others keep winning this id at this very moment: a replay storm, not a first request
    }

    /** Gives the id back (best effort: a failure is logged, and the claim lapses after the window). */
    public void release(String webhookId) {
        try {
            store.put(key(webhookId), new IdempotencyRecord("", "", Timestamps.format(Instant.EPOCH), true));
        } catch (RuntimeException e) {
            LOG.warn("Could not release a signed request's webhook-id ({}); it frees itself after {} s",
                    e.getClass().getSimpleName(), window.toSeconds());
        }
    }

    static String key(String webhookId) {
        return HexFormat.of().formatHex(ApiKeys.sha256(webhookId));
    }
}
