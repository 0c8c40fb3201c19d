package gateway.security;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

/**
 * Per-caller rate limit: a token bucket per authenticated caller name, or per client IP when the gateway
 * runs open, refilled at {@code RATE_LIMIT_PER_MINUTE} and holding up to {@code RATE_LIMIT_BURST}.
 * Memory is bounded: a bucket idle long enough to have refilled is evicted (a new one starts full, which
 * is the same thing), and at most {@code maxTracked} buckets are kept. {@code RATE_LIMIT_PER_MINUTE=0}
 * turns the limit off.
 */
public class RateLimiter {

    private final boolean enabled;
    private final double perSecond;
    private final int burst;
    private final Ticker ticker;
    private final Cache<String, TokenBucket> buckets;

    public RateLimiter(int perMinute, int burst, long maxTracked, Ticker ticker) {
        if (perMinute < 0 || burst < 0) {
            throw new IllegalArgumentException("RATE_LIMIT_PER_MINUTE and RATE_LIMIT_BURST must not be negative");
        }
        this.enabled = perMinute > 0;
        this.perSecond = perMinute / 60d;
        this.burst = Math.max(1, burst);
        this.ticker = ticker;
        Duration refill = enabled ? Duration.ofNanos((long) (this.burst / perSecond * 1e9)) : Duration.ZERO;
        Duration idle = refill.compareTo(Duration.ofMinutes(1)) > 0 ? refill : Duration.ofMinutes(1);
        this.buckets = Caffeine.newBuilder()
                .expireAfterAccess(idle.toNanos(), TimeUnit.NANOSECONDS)
                .maximumSize(maxTracked)
                .ticker(ticker)
                .build();
    }

    /** Takes a token for this request's caller (or client IP), or throws {@link RateLimited} (429). */
    public void acquire(Exchange exchange) {
        if (!enabled) {
            return;
        }
        String caller = exchange.getProperty(FlowProperties.CALLER, String.class);
        String key = caller != null ? "caller:" + caller : "ip:" + clientIp(exchange);
        long waitNanos = tryAcquire(key);
        if (waitNanos > 0) {
            throw new RateLimited(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L)));
        }
    }

    /** 0 when a token was taken for {@code key}, else nanoseconds until one is available. */
    public long tryAcquire(String key) {
        long now = ticker.read();
        return buckets.get(key, k -> new TokenBucket(burst, perSecond, now)).take(now);
    }

    public long trackedBuckets() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    static String clientIp(Exchange exchange) {
        Object address = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        if (address instanceof io.vertx.core.net.SocketAddress socket && socket.hostAddress() != null) {
            return socket.hostAddress();
        }
        return "unknown";
    }
}
