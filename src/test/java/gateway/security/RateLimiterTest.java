package gateway.security;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void burstThenOneTokenPerRefillInterval() {
        RateLimiter limiter = new RateLimiter(60, 3, 1000, now::get); // one token a second
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("caller:a")).isZero();
        }
        long wait = limiter.tryAcquire("caller:a");
        assertThat(wait).isBetween(TimeUnit.MILLISECONDS.toNanos(999), TimeUnit.SECONDS.toNanos(1));
        assertThat(limiter.tryAcquire("caller:b")).as("another caller has its own bucket").isZero();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limiter.tryAcquire("caller:a")).isBetween(TimeUnit.MILLISECONDS.toNanos(499), TimeUnit.MILLISECONDS.toNanos(500));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limiter.tryAcquire("caller:a")).isZero();
        assertThat(limiter.tryAcquire("caller:a")).isPositive();
        now.addAndGet(TimeUnit.MINUTES.toNanos(5));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("caller:a")).as("refilled to the burst, not beyond").isZero();
        }
        assertThat(limiter.tryAcquire("caller:a")).isPositive();
    }

    @Test
    void rejectionIs429WithRetryAfterInWholeSeconds() {
        RateLimiter limiter = new RateLimiter(6, 1, 1000, now::get); // one token per 10 s
        Exchange exchange = exchange("crm");
        assertThatCode(() -> limiter.acquire(exchange)).doesNotThrowAnyException();
        assertThatThrownBy(() -> limiter.acquire(exchange)).isInstanceOfSatisfying(RateLimited.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.headers()).containsEntry("Retry-After", "10");
        });
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(9_500));
        assertThatThrownBy(() -> limiter.acquire(exchange))
                .isInstanceOfSatisfying(RateLimited.class, e -> assertThat(e.headers()).containsEntry("Retry-After", "1"));
    }

    @Test
    void idleBucketsAreEvictedAndTheCountIsBounded() {
        RateLimiter limiter = new RateLimiter(600, 10, 50, now::get);
        for (int i = 0; i < 40; i++) {
            limiter.tryAcquire("ip:10.0.0." + i);
        }
        assertThat(limiter.trackedBuckets()).isEqualTo(40);
        now.addAndGet(TimeUnit.MINUTES.toNanos(2));
        assertThat(limiter.trackedBuckets()).as("idle past the refill time").isZero();
        for (int i = 0; i < 500; i++) {
            limiter.tryAcquire("ip:" + i);
        }
        assertThat(limiter.trackedBuckets()).isLessThanOrEqualTo(50);
    }

    @Test
    void zeroPerMinuteTurnsItOff() {
        RateLimiter limiter = new RateLimiter(0, 0, 10, now::get);
        Exchange exchange = exchange("crm");
        for (int i = 0; i < 100; i++) {
            limiter.acquire(exchange);
        }
    }

    static Exchange exchange(String caller) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(FlowProperties.CALLER, caller);
        return exchange;
    }
}
