package gateway.sqs;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;

/**
 * Whether a request message is handed out for the very first time: SQS says so
 * ({@code ApproximateReceiveCount} 1) and the message is still the intake's own send ({@code SentTimestamp}
 * at most {@link #SAME_SEND} after the request's {@code queued_at}). The second condition is there because a
 * redrive from the DLQ (ours, {@code /admin/dlq/requests/redrive}, or SQS's own) sends a new message whose
 * receive count starts again at 1, although the request behind it has been received, perhaps answered,
 * before. Anything unknown (no attributes, no {@code queued_at}) answers false.
 */
public final class FirstReceive {

    /**
     * How long after {@code queued_at} the intake's send may reach SQS: well above the SDK's retries and
     * clock skew, well below the minutes a message needs to reach the DLQ ({@code MAX_RECEIVE_COUNT}
     * receives) and be redriven. A send judged "late" only costs the read the first receive could skip.
     */
    static final Duration SAME_SEND = Duration.ofSeconds(30);

    private FirstReceive() {
    }

    public static boolean of(Exchange exchange, String queuedAt) {
        String count = DeadLetters.systemAttribute(exchange, "ApproximateReceiveCount").orElse(null);
        String sent = DeadLetters.systemAttribute(exchange, "SentTimestamp").orElse(null);
        if (!"1".equals(count) || sent == null || queuedAt == null || DeadLetters.redrives(exchange) > 0) {
            return false; // a redriven message (its count restarts at 1) may come back within seconds of its intake
        }
        try {
            Instant sentAt = Instant.ofEpochMilli(Long.parseLong(sent));
            Instant queued = OffsetDateTime.parse(queuedAt).toInstant();
            return Duration.between(queued, sentAt).compareTo(SAME_SEND) <= 0;
        } catch (NumberFormatException | DateTimeParseException e) {
            return false;
        }
    }
}
