package gateway.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The short, in-route retry delays of one delivery attempt round: exponential backoff with jitter,
 * or the receiver's {@code Retry-After} when it sends one, kept within bounds.
 *
 * <p>Backoff for retry {@code n} (1-based) is {@code base * multiplier^(n-1)}, capped at
 * {@code maxDelay}, then spread by &plusmn;{@code jitter} (a fraction: 0.2 = &plusmn;20%) so that
 * many deliveries failing together do not retry together; the result never exceeds
 * {@code maxDelay}. Defaults: 2 s, &times;2, &plusmn;20%, at most 30 s.
 *
 * <p>A parseable {@code Retry-After} replaces the backoff, clamped to
 * [{@code retryAfterMin}, {@code retryAfterMax}] (defaults 1 s and 60 s): a receiver may slow us
 * down, but cannot park a consumer thread for an hour; longer waits belong to the SQS schedule
 * ({@link RetrySchedule}).
 *
 * <p>Immutable and thread-safe. Whether to retry at all is {@link DeliveryOutcome}'s call and the
 * route's.
 */
public final class RetryPolicy {

    public static final Duration DEFAULT_BASE = Duration.ofSeconds(2);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 0.2;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RETRY_AFTER_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY_AFTER_MAX = Duration.ofSeconds(60);

    private final Duration base;
    private final double multiplier;
    private final double jitter;
    private final Duration maxDelay;
    private final Duration retryAfterMin;
    private final Duration retryAfterMax;
    private final Clock clock;
    private final DoubleSupplier random;

    public RetryPolicy(Duration base, double multiplier, double jitter, Duration maxDelay,
                       Duration retryAfterMin, Duration retryAfterMax) {
        this(base, multiplier, jitter, maxDelay, retryAfterMin, retryAfterMax, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryPolicy(Duration base, double multiplier, double jitter, Duration maxDelay,
                Duration retryAfterMin, Duration retryAfterMax, Clock clock, DoubleSupplier random) {
        requirePositive(base, "base delay");
        requirePositive(maxDelay, "max delay");
        requirePositive(retryAfterMax, "Retry-After max");
        if (retryAfterMin == null || retryAfterMin.isNegative() || retryAfterMin.compareTo(retryAfterMax) > 0) {
            throw new IllegalArgumentException("Retry-After min must be between 0 and the max");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
        this.base = base;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxDelay = maxDelay;
        this.retryAfterMin = retryAfterMin;
        this.retryAfterMax = retryAfterMax;
        this.clock = clock;
        this.random = random;
    }

    /** 2 s, &times;2, &plusmn;20%, capped at 30 s; Retry-After honoured within [1 s, 60 s]. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_BASE, DEFAULT_MULTIPLIER, DEFAULT_JITTER, DEFAULT_MAX_DELAY,
                DEFAULT_RETRY_AFTER_MIN, DEFAULT_RETRY_AFTER_MAX);
    }

    /** Same policy from plain numbers (milliseconds), as settings provide them. */
    public static RetryPolicy ofMillis(long baseMs, double multiplier, double jitter, long maxDelayMs,
                                       long retryAfterMinMs, long retryAfterMaxMs) {
        return new RetryPolicy(Duration.ofMillis(baseMs), multiplier, jitter, Duration.ofMillis(maxDelayMs),
                Duration.ofMillis(retryAfterMinMs), Duration.ofMillis(retryAfterMaxMs));
    }

    /** The jittered backoff before retry number {@code retry} (1 = first retry). */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry number starts at 1");
        }
        double nominal = base.toMillis() * Math.pow(multiplier, retry - 1);
        double capped = Math.min(nominal, maxDelay.toMillis());
        double spread = capped * (1.0 + jitter * (2.0 * random.getAsDouble() - 1.0));
        long millis = Math.round(Math.min(spread, maxDelay.toMillis()));
        return Duration.ofMillis(Math.max(0, millis));
    }

    /** The receiver's requested delay kept within [retryAfterMin, retryAfterMax]. */
    public Duration boundRetryAfter(Duration requested) {
        if (requested.compareTo(retryAfterMin) < 0) {
            return retryAfterMin;
        }
        return requested.compareTo(retryAfterMax) > 0 ? retryAfterMax : requested;
    }

    /**
     * The delay before retry {@code retry}: the {@code Retry-After} header value when present and
     * parseable (bounded), else the backoff.
     */
    public Duration delay(int retry, String retryAfterHeader) {
        Optional<Duration> requested = RetryAfter.parse(retryAfterHeader, clock.instant());
        return requested.map(this::boundRetryAfter).orElseGet(() -> backoff(retry));
    }

    /** {@link #delay(int, String)} in milliseconds, for Camel's redelivery delay. */
    public long delayMillis(int retry, String retryAfterHeader) {
        return delay(retry, retryAfterHeader).toMillis();
    }

    @Override
    public String toString() {
        return "RetryPolicy[base=" + base + ", multiplier=" + multiplier + ", jitter=" + jitter + ", max=" + maxDelay
                + ", retryAfter=[" + retryAfterMin + "," + retryAfterMax + "]]";
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
