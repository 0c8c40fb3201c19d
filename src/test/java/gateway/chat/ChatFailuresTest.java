package gateway.chat;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.HttpDestinationFailure;
import gateway.flow.FlowProperties;
import gateway.net.BlockedAddressException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The attempt's catch step: a chat service's answer as the DestinationFailure the route's error handling reads. */
class ChatFailuresTest {

    private static final String URL = "https://hooks.slack.com/services/T0/B0/secretsecret";
    private final ChatFailures failures = new ChatFailures(new ChatDeliveryErrors(
            Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC)));

    private static HttpOperationFailedException answered(int status, String body, Map<String, String> headers) {
        return new HttpOperationFailedException(URL, status, "status " + status, null, headers, body);
    }

    private Exchange caught(EndpointType type, Throwable cause) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(FlowProperties.ENDPOINT_TYPE, type);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        failures.classify(exchange);
        return exchange;
    }

    @Test
    void slacksAnswersBecomeRetryPauseOrDeadLetterWithTheirCodeAndNeverTheUrl() {
        DestinationFailure limited = caught(EndpointType.SLACK, answered(429, "rate_limited", Map.of("Retry-After", "30")))
                .getProperty(Exchange.EXCEPTION_CAUGHT, DestinationFailure.class);
        assertThat(limited.action()).isEqualTo(DestinationFailure.Action.RETRY);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(limited.code()).isEqualTo("slack_rate_limited");
        assertThat(((HttpDestinationFailure) limited).responseBody()).isEqualTo("rate_limited");

        DestinationFailure gone = caught(EndpointType.SLACK, answered(404, "channel_not_found", Map.of()))
                .getProperty(Exchange.EXCEPTION_CAUGHT, DestinationFailure.class);
        assertThat(gone.action()).isEqualTo(DestinationFailure.Action.PAUSE);
        assertThat(gone.httpStatus()).isEqualTo(404);
        assertThat(gone.getMessage()).isEqualTo("Slack answered HTTP 404 (slack_channel_not_found)");

        DestinationFailure ours = caught(EndpointType.SLACK, answered(400, "invalid_payload", Map.of()))
                .getProperty(Exchange.EXCEPTION_CAUGHT, DestinationFailure.class);
        assertThat(ours.action()).isEqualTo(DestinationFailure.Action.DEAD_LETTER);
        assertThat(ours.code()).isEqualTo("slack_invalid_payload");

        for (DestinationFailure f : new DestinationFailure[] {limited, gone, ours}) {
            assertThat(f.getMessage()).doesNotContain("hooks.slack.com", "secret");
        }
    }

    @Test
    void teamsByStatusAndNetworkErrorsRetryTheGuardDeadLetters() {
        assertThat(caught(EndpointType.TEAMS, answered(410, "", Map.of())).getProperty(Exchange.EXCEPTION_CAUGHT,
                DestinationFailure.class).action()).isEqualTo(DestinationFailure.Action.PAUSE);
        assertThat(caught(EndpointType.TEAMS, answered(413, "", Map.of())).getProperty(Exchange.EXCEPTION_CAUGHT,
                DestinationFailure.class).action()).isEqualTo(DestinationFailure.Action.DEAD_LETTER);
        DestinationFailure down = caught(EndpointType.TEAMS, new ConnectException("Connection refused: " + URL))
                .getProperty(Exchange.EXCEPTION_CAUGHT, DestinationFailure.class);
        assertThat(down.action()).isEqualTo(DestinationFailure.Action.RETRY);
        assertThat(down.httpStatus()).isNull();
        assertThat(down.getMessage()).isEqualTo("Teams could not be reached (ConnectException)");
        DestinationFailure blocked = caught(EndpointType.SLACK, new BlockedAddressException("localhost", java.net.InetAddress.getLoopbackAddress(), "127.0.0.0/8"))
                .getProperty(Exchange.EXCEPTION_CAUGHT, DestinationFailure.class);
        assertThat(blocked.action()).isEqualTo(DestinationFailure.Action.DEAD_LETTER);
        assertThat(blocked.code()).isEqualTo("blocked_address");
    }

    @Test
    void aWebhooksFailureIsLeftAsItIs() {
        HttpOperationFailedException failure = answered(404, "channel_not_found", Map.of());
        assertThat(caught(EndpointType.WEBHOOK, failure).getProperty(Exchange.EXCEPTION_CAUGHT)).isSameAs(failure);
        assertThat(caught(null, failure).getProperty(Exchange.EXCEPTION_CAUGHT)).isSameAs(failure);
    }
}
