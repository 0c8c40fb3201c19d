package gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import gateway.delivery.WebhookSigner;
import gateway.delivery.WebhookSigner.Verification;

/**
 * Verifies requests signed Standard-Webhooks style with {@code INBOUND_SIGNING_SECRET} (headers
 * {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}) using {@link WebhookSigner}, and
 * rejects replays: a {@code webhook-id} already accepted within the window in which its timestamp could
 * still be valid (twice the tolerance, as a timestamp may be off either way) is refused.
 *
 * <p>Replays are refused across replicas: a verified id is claimed in the shared store ({@link ReplayClaims}), so a
 * captured request is accepted once in all, however many replicas it is sent to. A bounded memory per replica
 * ({@code maxTracked} ids) answers a replay this replica has seen without asking the store; only verified ids enter
 * either, so only a holder of the secret can fill them.
 */
public class InboundSignatures {

    /** Why a signed request was refused, or that it was not. */
    public enum Result {
        VALID, MISSING_HEADER, BAD_SIGNATURE, STALE, REPLAYED
    }

    static final int MAX_ID_CHARS = 256;

    private final WebhookSigner signer;
    private final String callerName;
    private final Cache<String, Boolean> seen;
    private final ReplayClaims claims;

    /**
     * @param claims the shared claims of verified ids; {@code null}: this replica's memory only (tests of one process)
     */
    public InboundSignatures(String secrets, String callerName, Duration tolerance, Clock clock, Ticker ticker,
                             long maxTracked, ReplayClaims claims) {
        this.signer = new WebhookSigner(secrets, tolerance, clock);
        this.callerName = callerName;
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(replayWindow(tolerance).toNanos(), TimeUnit.NANOSECONDS)
                .maximumSize(maxTracked)
                .ticker(ticker)
                .build();
        this.claims = claims;
    }

    public InboundSignatures(String secrets, String callerName, ReplayClaims claims) {
        this(secrets, callerName, WebhookSigner.DEFAULT_TOLERANCE, Clock.systemUTC(), Ticker.systemTicker(), 200_000, claims);
    }

    /** How long an accepted id is remembered: twice the tolerance, as a timestamp may be off either way. */
    public static Duration replayWindow(Duration tolerance) {
        return tolerance.multipliedBy(2);
    }

    /** The replay window of the default tolerance. */
    public static Duration replayWindow() {
        return replayWindow(WebhookSigner.DEFAULT_TOLERANCE);
    }

    /** Checks the signature over the raw body and, when it is valid, records the id (a second time is a replay). */
    public Result check(String msgId, String timestamp, String body, String signature) {
        if (msgId != null && (msgId.length() > MAX_ID_CHARS || msgId.indexOf('.') >= 0)) {
            return Result.BAD_SIGNATURE; // the signer refuses ids with '.'; very long ids are not worth remembering
        }
        Verification verification = signer.check(msgId, timestamp, body, signature);
        switch (verification) {
            case VALID:
                if (seen.asMap().putIfAbsent(msgId, Boolean.TRUE) != null) {
                    return Result.REPLAYED; // seen by this replica: no need to ask the store
                }
                return claimedHere(msgId) ? Result.VALID : Result.REPLAYED;
            case MISSING_HEADER:
                return Result.MISSING_HEADER;
            case TIMESTAMP_OUT_OF_TOLERANCE:
                return Result.STALE;
            default:
                return Result.BAD_SIGNATURE;
        }
    }

    /** Claims the id in the shared store; a store that cannot be used leaves the id unremembered and throws (503). */
    private boolean claimedHere(String msgId) {
        if (claims == null) {
            return true;
        }
        try {
            return claims.claim(msgId);
        } catch (RuntimeException e) {
            seen.invalidate(msgId);
            throw e;
        }
    }

    /** Forgets an accepted id, so the sender's retry of a request that got a 503 is not taken for a replay. */
    public void forget(String msgId) {
        if (msgId != null) {
            seen.invalidate(msgId);
            if (claims != null) {
                claims.release(msgId);
            }
        }
    }

    /** The caller name recorded for requests authenticated by signature ({@code INBOUND_SIGNING_CALLER}). */
    public String callerName() {
        return callerName;
    }

    @Override
    public String toString() {
        return "InboundSignatures[" + signer + ", caller=" + callerName + "]";
    }
}
