package gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses an HTTP {@code Retry-After} value (RFC 9110, section 10.2.3): either delay-seconds
 * ({@code 120}) or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}; the obsolete RFC 850 and
 * asctime forms are accepted too, as recipients must).
 */
public final class RetryAfter {

    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss zzz")
            .toFormatter(Locale.US);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(java.time.ZoneOffset.UTC);
    private static final List<DateTimeFormatter> DATE_FORMATS =
            List.of(DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME);

    /** Seconds beyond this are treated as "very long"; the caller clamps anyway. */
    private static final long MAX_SECONDS = 365L * 24 * 3600;

    private RetryAfter() {
    }

    /**
     * The delay the value asks for, measured from {@code now}: empty when absent or unparseable;
     * zero for a date in the past.
     */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            long seconds = v.length() > 12 ? MAX_SECONDS : Math.min(Long.parseLong(v), MAX_SECONDS);
            return Optional.of(Duration.ofSeconds(seconds));
        }
        for (DateTimeFormatter format : DATE_FORMATS) {
            try {
                Instant at = ZonedDateTime.parse(v, format).toInstant();
                Duration delay = Duration.between(now, at);
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return Optional.empty();
    }
}
