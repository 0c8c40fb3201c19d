package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The delivery error handler's steps: what is retried, and the receiver's Retry-After as the next delay. */
class DeliveryFailuresTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:27:00Z");
    private static final DeliveryFailures FAILURES =
            new DeliveryFailures(Duration.ofSeconds(1), Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest(name = "Retry-After ''{0}'' -> {1} s")
    @CsvSource(delimiter = '|', value = {
            "5                              | 5",
            " 17 \t                         | 17",
            "0                              | 1",      // below the minimum
            "3600                           | 60",     // above the maximum
            "99999999999999999999999        | 60",     // absurd, still bounded
            "Wed, 21 Oct 2015 07:28:00 GMT  | 60",     // IMF-fixdate, 60 s after NOW
            "Wed, 21 Oct 2015 07:27:20 GMT  | 20",
            "Wednesday, 21-Oct-15 07:27:45 GMT | 45",  // RFC 850
            "Wed Oct 21 07:27:30 2015       | 30",     // asctime
            "Wed, 21 Oct 2015 07:00:00 GMT  | 1"       // in the past: retry now, i.e. the minimum
    })
    void honoursRetryAfterWithinBoundsAsTheNextRedeliveryDelay(String header, long seconds) {
        Exchange exchange = failedWith(429, Map.of("Retry-After", header));
        FAILURES.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(seconds * 1000);
        assertThat(exchange.getProperty(FlowProperties.HTTP_STATUS)).isEqualTo(429);
    }

    @Test
    void findsRetryAfterInAnyCase() {
        assertThat(FAILURES.retryAfter(Map.of("retry-after", "7"))).contains(Duration.ofSeconds(7));
        assertThat(FAILURES.retryAfter(Map.of("RETRY-AFTER", "7"))).contains(Duration.ofSeconds(7));
    }

    @ParameterizedTest(name = "Retry-After ''{0}'': the backoff decides")
    @CsvSource(delimiter = '|', value = {"''", "soon", "-5", "1.5"})
    void leavesTheDelayToTheRedeliveryPolicyWithoutAUsableRetryAfter(String header) {
        Exchange exchange = failedWith(503, Map.of("Retry-After", header));
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 9_000L); // a previous attempt's
        FAILURES.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(exchange.getProperty(FlowProperties.HTTP_STATUS)).isEqualTo(503);

        Exchange none = failedWith(503, null);
        FAILURES.process(none);
        assertThat(none.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(FAILURES.retryAfter(Map.of())).isEmpty();
    }

    @Test
    void aFailureWithoutStatusSetsNoDelayAndNoStatus() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ConnectException("refused"));
        FAILURES.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(exchange.getProperty(FlowProperties.HTTP_STATUS)).isNull();
    }

    @ParameterizedTest(name = "HTTP {0} retried: {1}")
    @CsvSource({"408, true", "429, true", "500, true", "503, true", "400, false", "404, false", "422, false", "301, false"})
    void retriesWhatTheOutcomeCallsRetryable(int status, boolean retried) {
        assertThat(FAILURES.isRetryable(failure(status, Map.of()))).isEqualTo(retried);
    }

    @Test
    void retriesUnreachableReceiversButNotOtherErrors() {
        assertThat(FAILURES.isRetryable(new ConnectException("refused"))).isTrue();
        assertThat(FAILURES.isRetryable(new SocketTimeoutException("read timed out"))).isTrue();
        assertThat(FAILURES.isRetryable(new IOException("connection reset"))).isTrue();
        assertThat(FAILURES.isRetryable(new IllegalStateException("a bug"))).isFalse();
        assertThat(FAILURES.isRetryable(null)).isFalse();
    }

    @Test
    void retryAfterParserReportsTheRawDelay() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 09:27:00 GMT", NOW)).contains(Duration.ofHours(2));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("tomorrow", NOW)).isEqualTo(Optional.empty());
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    }

    @Test
    void rejectsNonsensicalSettings() {
        Clock clock = Clock.systemUTC();
        assertThatThrownBy(() -> new DeliveryFailures(Duration.ofSeconds(2), Duration.ofSeconds(1), clock))
                .hasMessageContaining("Retry-After min");
        assertThatThrownBy(() -> new DeliveryFailures(Duration.ofSeconds(-1), Duration.ofSeconds(1), clock))
                .hasMessageContaining("Retry-After min");
        assertThatThrownBy(() -> new DeliveryFailures(Duration.ZERO, Duration.ZERO, clock))
                .hasMessageContaining("Retry-After max");
    }

    @Test
    void aDestinationsFailureIsRetriedPausedOrRefusedAsItSaysWithItsRetryAfterBoundedAlike() {
        DestinationFailure slow = new HttpDestinationFailure(DestinationFailure.Action.RETRY, "slack_rate_limited", 429,
                Duration.ofHours(2), "Slack answered HTTP 429 (slack_rate_limited)", "rate_limited");
        DestinationFailure gone = new DestinationFailure(DestinationFailure.Action.PAUSE, "slack_channel_not_found", 404, null,
                "Slack answered HTTP 404 (slack_channel_not_found)");
        DestinationFailure refused = new DestinationFailure(DestinationFailure.Action.DEAD_LETTER, "slack_invalid_payload", 400,
                null, "Slack answered HTTP 400 (slack_invalid_payload)");
        assertThat(FAILURES.isRetryable(slow)).isTrue();
        assertThat(FAILURES.isRetryable(gone)).isFalse();
        assertThat(FAILURES.isRetryableOrGone(gone)).isTrue();
        assertThat(FAILURES.isRetryable(refused)).isFalse();
        assertThat(FAILURES.isRetryableOrGone(refused)).isFalse();
        assertThat(FAILURES.status(refused)).isEqualTo(400);
        assertThat(FAILURES.refusal(refused)).isEqualTo("HTTP 400, slack_invalid_payload");
        assertThat(FAILURES.refusal(failure(400, null))).isEqualTo("HTTP 400");

        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, slow);
        FAILURES.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).as("bounded by the max").isEqualTo(60_000L);
        assertThat(exchange.getProperty(FlowProperties.HTTP_STATUS)).isEqualTo(429);
        assertThat(exchange.getProperty(FlowProperties.FAILURE)).isEqualTo("Slack answered HTTP 429 (slack_rate_limited)");
        assertThat(exchange.getProperty(FlowProperties.RESPONSE_EXCERPT)).isEqualTo("rate_limited");

        Exchange paused = new DefaultExchange(new DefaultCamelContext());
        paused.setProperty(Exchange.EXCEPTION_CAUGHT, gone);
        FAILURES.process(paused);
        assertThat(paused.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(paused.getProperty(FlowProperties.HTTP_STATUS)).isEqualTo(404);

        DeliveryOutcome.Failure record = DeliveryOutcome.failure(gone, null);
        assertThat(record.code()).isEqualTo("slack_channel_not_found");
        assertThat(record.httpStatus()).isEqualTo(404);
        assertThat(DeliveryOutcome.classify(gone)).isEqualTo(DeliveryOutcome.PERMANENT);
        assertThat(DeliveryOutcome.classify(slow)).isEqualTo(DeliveryOutcome.RETRYABLE);
    }

    private static Exchange failedWith(int status, Map<String, String> headers) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(status, headers));
        return exchange;
    }

    private static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://receiver/hook", status, "status " + status, null, headers, "");
    }
}
