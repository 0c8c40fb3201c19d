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
 * <p>The replay memory is per replica and bounded ({@code maxTracked} ids); only verified ids enter it,
 * so only a holder of the secret can fill it.
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

    public InboundSignatures(String secrets, String callerName, Duration tolerance, Clock clock, Ticker ticker,
                             long maxTracked) {
        this.signer = new WebhookSigner(secrets, tolerance, clock);
        this.callerName = callerName;
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(tolerance.multipliedBy(2).toNanos(), TimeUnit.NANOSECONDS)
                .maximumSize(maxTracked)
                .ticker(ticker)
                .build();
    }

    public InboundSignatures(String secrets, String callerName) {
        this(secrets, callerName, WebhookSigner.DEFAULT_TOLERANCE, Clock.systemUTC(), Ticker.systemTicker(), 200_000);
    }

    /** Checks the signature over the raw body and, when it is valid, records the id (a second time is a replay). */
    public Result check(String msgId, String timestamp, String body, String signature) {
        if (msgId != null && (msgId.length() > MAX_ID_CHARS || msgId.indexOf('.') >= 0)) {
            return Result.BAD_SIGNATURE; // the signer refuses ids with '.'; very long ids are not worth remembering
        }
        Verification verification = signer.check(msgId, timestamp, body, signature);
        switch (verification) {
            case VALID:
                return seen.asMap().putIfAbsent(msgId, Boolean.TRUE) == null ? Result.VALID : Result.REPLAYED;
            case MISSING_HEADER:
                return Result.MISSING_HEADER;
            case TIMESTAMP_OUT_OF_TOLERANCE:
                return Result.STALE;
            default:
                return Result.BAD_SIGNATURE;
        }
    }

    /** Forgets an accepted id, so the sender's retry of a request that got a 503 is not taken for a replay. */
    public void forget(String msgId) {
        if (msgId != null) {
            seen.invalidate(msgId);
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
