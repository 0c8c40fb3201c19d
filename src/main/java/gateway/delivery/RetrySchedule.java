package gateway.delivery;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The long retry schedule carried by SQS: after a delivery round fails, the message is left on the
 * deliveries queue with its visibility timeout set to the next delay, so SQS hands it back later
 * (hours, across restarts and replicas) instead of a thread waiting.
 *
 * <p>Configured as a setting such as {@code 1m,5m,30m,2h,6h}: comma-separated durations with unit
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (a bare number is seconds; ISO-8601
 * such as {@code PT5M} works too).
 * Long attempt {@code n} (1 = the first receive) that fails waits {@code schedule[n-1]}; when the
 * schedule is used up {@link #nextVisibilityDelay(int)} is empty and the message goes to the
 * dead-letter queue. So the queue's redrive {@code maxReceiveCount} should be at least
 * {@link #attempts()} (= entries + 1), or SQS dead-letters it before the schedule ends.
 *
 * <p>SQS limits a message's visibility timeout to 12 hours (43 200 s); entries longer than that are
 * clamped to 12 h when parsed. Delays are whole seconds (rounded up), as SQS takes them.
 */
public final class RetrySchedule {

    /** SQS's maximum visibility timeout. */
    private static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

    private final List<Duration> delays;

    private RetrySchedule(List<Duration> delays) {
        this.delays = List.copyOf(delays);
    }

    /** Parses a setting like {@code 1m,5m,30m,2h,6h}; a blank setting means no long retries. */
    public static RetrySchedule parse(String setting) {
        List<Duration> delays = new ArrayList<>();
        if (setting != null && !setting.isBlank()) {
            for (String token : setting.split(",")) {
                Duration d = parseDuration(token.trim());
                delays.add(wholeSeconds(d.compareTo(SQS_MAX_VISIBILITY) > 0 ? SQS_MAX_VISIBILITY : d));
            }
        }
        return new RetrySchedule(delays);
    }

    /** The delay after failed long attempt {@code longAttempt} (1-based); empty when exhausted. */
    public Optional<Duration> nextVisibilityDelay(int longAttempt) {
        if (longAttempt < 1) {
            throw new IllegalArgumentException("long attempt number starts at 1");
        }
        return longAttempt <= delays.size() ? Optional.of(delays.get(longAttempt - 1)) : Optional.empty();
    }

    /** Total long attempts: the first receive plus one per entry. */
    public int attempts() {
        return delays.size() + 1;
    }

    /** One duration setting: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1500ms}, {@code PT5M}. */
    public static Duration parseDuration(String token) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("empty entry in retry schedule");
        }
        String t = token.toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return nonNegative(Duration.parse(token.toUpperCase(Locale.ROOT)), token);
            }
            int split = 0;
            while (split < t.length() && Character.isDigit(t.charAt(split))) {
                split++;
            }
            if (split == 0) {
                throw new IllegalArgumentException("retry schedule entry '" + token + "' has no number");
            }
            long amount = Long.parseLong(t.substring(0, split));
            switch (t.substring(split).trim()) {
                case "ms": return Duration.ofMillis(amount);
                case "s": case "": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                case "d": return Duration.ofDays(amount);
                default:
                    throw new IllegalArgumentException("retry schedule entry '" + token
                            + "' has an unknown unit (use ms, s, m, h or d)");
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("retry schedule entry '" + token + "' is not a duration");
        }
    }

    private static Duration nonNegative(Duration d, String token) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("retry schedule entry '" + token + "' is negative");
        }
        return d;
    }

    private static Duration wholeSeconds(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(0, seconds));
    }
}
