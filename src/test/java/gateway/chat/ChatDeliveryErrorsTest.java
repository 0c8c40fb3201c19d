package gateway.chat;

import static gateway.chat.ChatDeliveryErrors.Action.DEAD_LETTER;
import static gateway.chat.ChatDeliveryErrors.Action.DELIVERED;
import static gateway.chat.ChatDeliveryErrors.Action.PAUSE;
import static gateway.chat.ChatDeliveryErrors.Action.RETRY;
import static gateway.chat.ChatDeliveryErrors.Service.SLACK;
import static gateway.chat.ChatDeliveryErrors.Service.TEAMS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import gateway.delivery.DeliveryOutcome;
import gateway.net.BlockedAddressException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChatDeliveryErrorsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T16:00:00Z");
    private final ChatDeliveryErrors errors = new ChatDeliveryErrors(Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest(name = "Slack {0} {1} -> {2}")
    @CsvSource({
            "200, ok, DELIVERED, ",
            "429, , RETRY, HTTP_429",
            "500, , RETRY, HTTP_500",
            "503, service_unavailable, RETRY, slack_service_unavailable",
            "408, , RETRY, HTTP_408",
            "400, invalid_payload, DEAD_LETTER, slack_invalid_payload",
            "400, invalid_blocks, DEAD_LETTER, slack_invalid_blocks",
            "400, invalid_blocks_format, DEAD_LETTER, slack_invalid_blocks_format",
            "400, no_text, DEAD_LETTER, slack_no_text",
            "400, too_many_attachments, DEAD_LETTER, slack_too_many_attachments",
            "403, action_prohibited, PAUSE, slack_action_prohibited",
            "403, posting_to_general_channel_denied, PAUSE, slack_posting_to_general_channel_denied",
            "403, invalid_token, PAUSE, slack_invalid_token",
            "404, channel_not_found, PAUSE, slack_channel_not_found",
            "404, no_service, PAUSE, slack_no_service",
            "410, no_service, PAUSE, slack_no_service",
            "410, channel_is_archived, PAUSE, slack_channel_is_archived",
            "400, no_service_id, PAUSE, slack_no_service_id",
            "404, team_disabled, PAUSE, slack_team_disabled",
            "400, user_not_found, PAUSE, slack_user_not_found",
            "400, something_new, DEAD_LETTER, slack_something_new",
            "404, something_new, PAUSE, slack_something_new",
            "401, , PAUSE, HTTP_401",
            "413, , DEAD_LETTER, HTTP_413",
            "302, , DEAD_LETTER, HTTP_302",
    })
    void slackAnswers(int status, String body, ChatDeliveryErrors.Action action, String code) {
        ChatDeliveryErrors.Verdict verdict = errors.classify(SLACK, status, Map.of(), body);
        assertEquals(action, verdict.action());
        assertEquals(code, verdict.code());
        assertEquals(action == PAUSE, verdict.failure("m", body).pausesEndpoint());
    }

    @ParameterizedTest(name = "Teams {0} -> {1}")
    @CsvSource({
            "200, DELIVERED", "202, DELIVERED", "429, RETRY", "408, RETRY", "500, RETRY", "502, RETRY", "504, RETRY",
            "400, DEAD_LETTER", "413, DEAD_LETTER", "422, DEAD_LETTER", "401, PAUSE", "403, PAUSE", "404, PAUSE", "410, PAUSE",
            "301, DEAD_LETTER",
    })
    void teamsAnswers(int status, ChatDeliveryErrors.Action action) {
        ChatDeliveryErrors.Verdict verdict = errors.classify(TEAMS, status, null, "channel_not_found");
        assertEquals(action, verdict.action());
        assertEquals(action == DELIVERED ? null : "HTTP_" + status, verdict.code(), "Teams' bodies are not Slack's names");
    }

    @Test
    void aRateLimitIsRetriedAfterWhatTheServiceAsked() {
        ChatDeliveryErrors.Verdict seconds = errors.classify(SLACK, 429, Map.of("retry-after", "30"), "rate_limited");
        assertEquals(RETRY, seconds.action());
        assertEquals(Optional.of(Duration.ofSeconds(30)), seconds.retryAfter());
        ChatDeliveryErrors.Verdict date = errors.classify(TEAMS, 429, Map.of("Retry-After", "Sat, 05 Dec 2026 16:02:00 GMT"), "");
        assertEquals(Optional.of(Duration.ofMinutes(2)), date.retryAfter());
        assertEquals(Optional.empty(), errors.classify(TEAMS, 503, Map.of("Retry-After", "soon"), "").retryAfter());
        assertEquals(Optional.empty(), errors.classify(SLACK, 404, Map.of("Retry-After", "30"), "channel_not_found").retryAfter(),
                "a pause does not wait for a retry");
    }

    @Test
    void verdictsInTheDeliveryStagesTerms() {
        assertEquals(DELIVERED, errors.classify(SLACK, 200, Map.of(), "ok").action());
        assertEquals(DeliveryOutcome.RETRYABLE, errors.classify(SLACK, 429, Map.of(), "").failure("m", "").outcome());
        assertEquals(DeliveryOutcome.PERMANENT, errors.classify(SLACK, 404, Map.of(), "channel_not_found").failure("m", "").outcome());
        assertEquals(DeliveryOutcome.PERMANENT, errors.classify(SLACK, 400, Map.of(), "invalid_blocks").failure("m", "").outcome());
        assertFalse(errors.classify(SLACK, 400, Map.of(), "invalid_blocks").failure("m", "").pausesEndpoint());
    }

    @Test
    void failedAttemptsAsCamelThrowsThem() throws Exception {
        HttpOperationFailedException archived = new HttpOperationFailedException("https://hooks.slack.com/services/T/B/X", 410,
                "Gone", null, Map.of(), "channel_is_archived");
        assertEquals(PAUSE, errors.classify(SLACK, archived).action());
        assertEquals("slack_channel_is_archived", errors.classify(SLACK, archived).code());
        HttpOperationFailedException limited = new HttpOperationFailedException("https://x.example", 429, "Too Many Requests",
                null, Map.of("Retry-After", "7"), "");
        assertEquals(Optional.of(Duration.ofSeconds(7)), errors.classify(TEAMS, limited).retryAfter());
        assertEquals(RETRY, errors.classify(SLACK, new SocketTimeoutException("read timed out")).action());
        assertEquals(RETRY, errors.classify(TEAMS, new ConnectException("refused")).action());
        ChatDeliveryErrors.Verdict blocked = errors.classify(SLACK, new BlockedAddressException("hooks.example",
                InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), "10.0.0.0/8"));
        assertEquals(DEAD_LETTER, blocked.action());
        assertEquals(DeliveryOutcome.BLOCKED_ADDRESS, blocked.code());
    }

    @Test
    void slackErrorNamesAreReadFromTheBodyOnly() {
        assertEquals("channel_not_found", ChatDeliveryErrors.slackError("channel_not_found"));
        assertEquals("invalid_blocks", ChatDeliveryErrors.slackError("invalid_blocks\n"));
        assertEquals(null, ChatDeliveryErrors.slackError("<html>Bad gateway</html>"));
        assertEquals(null, ChatDeliveryErrors.slackError(null));
        assertTrue(ChatDeliveryErrors.SLACK_ENDPOINT_GONE.contains("no_service"));
    }
}
