package gateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.http.RequestHeaders;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.security.ApiKeys;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Idempotency-Key} steps of {@code POST /webhook}. The key is scoped to the caller and kept for
 * {@code IDEMPOTENCY_TTL_HOURS} (24). {@link #claim} runs before the queue write: the first request with
 * a key claims it in the shared store (a conditional create, so exactly one replica wins); a repeat with
 * the same body is answered with the first request's tracking id and queues nothing, one with another
 * body gets 409. {@link #remember} runs after the queue write and marks the claim queued; {@link #release}
 * gives the key back when the request failed after claiming it (413 from the queue message, 503), so the
 * caller's retry is not mistaken for a repeat. A claim never marked queued is considered abandoned after
 * {@code IDEMPOTENCY_PENDING_TIMEOUT_SECONDS} and may be taken over.
 */
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Exchange property: true when this request repeats an earlier one and must only be answered. */
    public static final String REPLAYED = "idempotent_replayed";
    static final String CLAIM = "idempotency_claim";
    static final int MAX_KEY_CHARS = 255;
    private static final int ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);

    private record Claim(String key, IdempotencyRecord record) {
    }

    private final IdempotencyStore store;
    private final Duration ttl;
    private final Duration pendingTimeout;
    private final Clock clock;

    public IdempotencyKeys(IdempotencyStore store, Duration ttl, Duration pendingTimeout, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.pendingTimeout = pendingTimeout;
        this.clock = clock;
    }

    /**
     * Claims the request's key, or marks the exchange {@value #REPLAYED} (with the first request's
     * tracking_id and queued_at), or throws: 400 for a malformed key, 409 for another body or a first
     * request still being queued, {@link IdempotencyStoreUnavailable} (503) when the store is down.
     */
    public void claim(Exchange exchange) {
        String header = RequestHeaders.of(exchange.getMessage(), HEADER);
        if (header == null) {
            return;
        }
        checkFormat(header);
        String caller = Optional.ofNullable(exchange.getProperty(FlowProperties.CALLER, String.class)).orElse("");
        String key = sha256Hex(caller + "\n" + header);
        IdempotencyRecord fresh = new IdempotencyRecord(
                sha256Hex(Json.write(exchange.getMessage().getBody(ObjectNode.class))),
                exchange.getProperty(FlowProperties.TRACKING_ID, String.class), exchange.getProperty(FlowProperties.QUEUED_AT, String.class), false);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (store.create(key, fresh)) {
                exchange.setProperty(CLAIM, new Claim(key, fresh));
                return;
            }
            Optional<IdempotencyStore.Stored> stored = store.read(key);
            if (stored.isEmpty()) {
                continue; // released or deleted in between: try to create it again
            }
            IdempotencyRecord existing = stored.get().record();
            if (existing.expired(clock.instant(), ttl) || existing.abandoned(clock.instant(), pendingTimeout)) {
                if (store.replace(key, stored.get().version(), fresh)) {
                    exchange.setProperty(CLAIM, new Claim(key, fresh));
                    return;
                }
                continue;
            }
            if (!existing.sameBody(fresh)) {
                throw new IntakeRejection(409, "Idempotency-Key already used with a different request body");
            }
            if (!existing.queued()) {
                throw new IntakeRejection(409, "A request with this Idempotency-Key is still being queued: retry shortly",
                        Map.of("Retry-After", "1"));
            }
            exchange.setProperty(FlowProperties.TRACKING_ID, existing.trackingId());
            exchange.setProperty(FlowProperties.QUEUED_AT, existing.queuedAt());
            exchange.setProperty(REPLAYED, true);
            return;
        }
        throw new IdempotencyStoreUnavailable("Idempotency store: no decision after " + ATTEMPTS + " attempts", null);
    }

    /** After the queue write: marks the claim queued. A failure here is logged, not answered: the request is queued. */
    public void remember(Exchange exchange) {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        if (claim == null) {
            return;
        }
        exchange.removeProperty(CLAIM);
        try {
            store.put(claim.key(), claim.record().queuedNow());
        } catch (RuntimeException e) {
            LOG.warn("Queued, but the idempotency key could not be marked queued ({}); a repeat after {} s may run again",
                    e.getMessage(), pendingTimeout.toSeconds());
        }
    }

    /** After a failure past the claim: gives the key back so that the caller's retry is treated as new. */
    public void release(Exchange exchange) {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        if (claim == null) {
            return;
        }
        exchange.removeProperty(CLAIM);
        try {
            store.delete(claim.key());
        } catch (RuntimeException e) {
            LOG.warn("Could not release the idempotency key ({}); it frees itself after {} s",
                    e.getMessage(), pendingTimeout.toSeconds());
        }
    }

    static void checkFormat(String key) {
        boolean visibleAscii = key.chars().allMatch(c -> c > 0x20 && c < 0x7F);
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS || !visibleAscii) {
            throw IntakeRejection.badRequest("Invalid Idempotency-Key: 1 to " + MAX_KEY_CHARS + " visible ASCII characters");
        }
    }

    static String sha256Hex(String value) {
        return HexFormat.of().formatHex(ApiKeys.sha256(value));
    }
}
