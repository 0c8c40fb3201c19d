package gateway.chat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import gateway.delivery.DeliveryOutcome;
import gateway.delivery.DestinationFailure;
import gateway.delivery.HttpDestinationFailure;
import gateway.delivery.RetryAfter;
import gateway.net.BlockedAddressException;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What Slack's and Teams' answers to a chat delivery mean, in the delivery stage's terms: {@link DeliveryOutcome}
 * (retried or not) and, for an answer that says the endpoint itself is gone or refused, a pause of the endpoint, as
 * {@code 410 Gone} pauses a webhook endpoint today ({@code HealthRules.failed(…, gone = true, …)}: its deliveries are
 * parked, not dead-lettered, until its owner fixes it and resumes it).
 *
 * <p>Slack incoming webhooks answer {@code 200 ok}, or an error status with the error's name as a plain-text body:
 * <ul>
 *   <li>{@code 429} (with {@code Retry-After}), {@code 408} and every {@code 5xx}: {@link Action#RETRY}, after
 *       {@code Retry-After} when given;</li>
 *   <li>{@code invalid_payload}, {@code invalid_blocks}, {@code invalid_blocks_format}, {@code no_text},
 *       {@code too_many_attachments}, {@code invalid_attachments} (a {@code 400}): {@link Action#DEAD_LETTER}: the message
 *       the gateway rendered is wrong (our bug, not theirs), sending it again cannot work;</li>
 *   <li>{@code no_service}, {@code no_service_id}, {@code no_team}, {@code team_disabled}, {@code invalid_token},
 *       {@code channel_not_found}, {@code channel_is_archived}, {@code action_prohibited},
 *       {@code posting_to_general_channel_denied}, {@code user_not_found} (a {@code 400}, {@code 403}, {@code 404} or
 *       {@code 410}): {@link Action#PAUSE}: the webhook was removed or its channel cannot take messages: every later
 *       delivery would fail the same way until its owner fixes it;</li>
 *   <li>an unknown name: by its status: {@code 401}, {@code 403}, {@code 404}, {@code 410} pause, another {@code 4xx}
 *       dead-letters.</li>
 * </ul>
 * Teams (a Power Automate workflow's URL, or a legacy connector's) answers by status alone: {@code 429},
 * {@code 408} and {@code 5xx} retry; {@code 401}, {@code 403}, {@code 404}, {@code 410} pause (the workflow was
 * deleted, turned off, or its URL's signature no longer holds); {@code 400}, {@code 413} and other {@code 4xx}
 * dead-letter. For both, a {@code 3xx} dead-letters (redirects are not followed, as for webhooks), a network error or
 * timeout retries, and the SSRF guard's refusal dead-letters.
 */
public final class ChatDeliveryErrors {

    /** What the delivery does next. */
    public enum Action {
        /** Any 2xx. */
        DELIVERED,
        /** Tried again (after {@link Verdict#retryAfter} when the service asked): the service's passing trouble. */
        RETRY,
        /** The endpoint is paused and this delivery parked: the endpoint is gone or refuses until its owner acts. */
        PAUSE,
        /** To the dead-letter queue at once: the message itself is refused. */
        DEAD_LETTER
    }

    /** Which chat service answered. */
    public enum Service {
        SLACK, TEAMS
    }

    /**
     * The meaning of one answer ({@link #failure} is what the delivery route handles); {@code code} names the error
     * for the record and the log ({@code slack_channel_not_found}, {@code HTTP_503}); {@code retryAfter} is the delay the
     * service asked for, unbounded (the delivery stage bounds it, as for webhooks).
     */
    public record Verdict(Action action, int httpStatus, String code, Optional<Duration> retryAfter) {

        /**
         * The failure the delivery route handles for this verdict ({@link DestinationFailure}: retried, the endpoint
         * paused like a 410, or dead-lettered; {@link DeliveryOutcome}'s word is its {@code outcome()}), with the
         * gateway's words for it and the service's answer for the attempt log. A 2xx is no failure: a verdict of
         * {@link Action#DELIVERED} here (a failure without a status) is dead-lettered.
         */
        public HttpDestinationFailure failure(String message, String responseBody) {
            DestinationFailure.Action next = switch (action) {
                case RETRY -> DestinationFailure.Action.RETRY;
                case PAUSE -> DestinationFailure.Action.PAUSE;
                case DEAD_LETTER, DELIVERED -> DestinationFailure.Action.DEAD_LETTER;
            };
            return new HttpDestinationFailure(next, code, httpStatus > 0 ? httpStatus : null, retryAfter.orElse(null), message,
                    responseBody);
        }
    }

    static final Set<String> SLACK_OUR_BUG = Set.of("invalid_payload", "invalid_blocks", "invalid_blocks_format", "no_text",
            "too_many_attachments", "invalid_attachments");
    static final Set<String> SLACK_ENDPOINT_GONE = Set.of("no_service", "no_service_id", "no_team", "team_disabled",
            "invalid_token", "channel_not_found", "channel_is_archived", "action_prohibited",
            "posting_to_general_channel_denied", "user_not_found");
    private static final Set<Integer> PAUSING_STATUSES = Set.of(401, 403, 404, 410);
    /** Slack's error names: lower-case words joined by underscores, alone on the body's first line. */
    private static final Pattern SLACK_ERROR = Pattern.compile("^\\s*([a-z][a-z0-9_]{1,63})\\s*(?:\\n|$)");

    private final Clock clock;

    public ChatDeliveryErrors(Clock clock) {
        this.clock = clock;
    }

    /** The meaning of an answer with {@code status}, its headers (any case) and its body (may be null). */
    public Verdict classify(Service service, int status, Map<String, String> headers, String body) {
        Optional<Duration> retryAfter = RetryAfter.parse(header(headers, "Retry-After"), clock.instant());
        if (status >= 200 && status <= 299) {
            return new Verdict(Action.DELIVERED, status, null, Optional.empty());
        }
        String slackError = service == Service.SLACK ? slackError(body) : null;
        String code = slackError != null ? "slack_" + slackError : "HTTP_" + status;
        if (status == 408 || status == 429 || status >= 500 || status < 200) {
            return new Verdict(Action.RETRY, status, code, retryAfter);
        }
        if (slackError != null && SLACK_OUR_BUG.contains(slackError)) {
            return new Verdict(Action.DEAD_LETTER, status, code, Optional.empty());
        }
        if (slackError != null && SLACK_ENDPOINT_GONE.contains(slackError) || status >= 400 && PAUSING_STATUSES.contains(status)) {
            return new Verdict(Action.PAUSE, status, code, Optional.empty());
        }
        return new Verdict(Action.DEAD_LETTER, status, code, Optional.empty()); // 400, 413, other 4xx, 3xx
    }

    /** The meaning of a failed attempt: the HTTP answer Camel caught, or a network error (retried), or the SSRF guard. */
    public Verdict classify(Service service, Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            return classify(service, http.getStatusCode(), http.getResponseHeaders(), http.getResponseBody());
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BlockedAddressException) {
                return new Verdict(Action.DEAD_LETTER, 0, DeliveryOutcome.BLOCKED_ADDRESS, Optional.empty());
            }
        }
        if (failure instanceof IOException) {
            return new Verdict(Action.RETRY, 0, failure.getClass().getSimpleName(), Optional.empty());
        }
        return new Verdict(Action.DEAD_LETTER, 0, failure == null ? "unknown" : failure.getClass().getSimpleName(), Optional.empty());
    }

    /** Slack's error name in a response body ({@code channel_not_found}), or null when the body is not one. */
    static String slackError(String body) {
        if (body == null) {
            return null;
        }
        Matcher m = SLACK_ERROR.matcher(body.length() > 200 ? body.substring(0, 200) : body);
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
