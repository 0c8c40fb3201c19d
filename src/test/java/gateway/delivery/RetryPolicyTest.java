package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:27:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static RetryPolicy withRandom(double r) {
        return new RetryPolicy(Duration.ofSeconds(2), 2.0, 0.2, Duration.ofSeconds(30),
                Duration.ofSeconds(1), Duration.ofSeconds(60), CLOCK, () -> r);
    }

    @ParameterizedTest(name = "retry {0}: {1} ms nominal")
    @CsvSource({"1, 2000", "2, 4000", "3, 8000", "4, 16000", "5, 30000", "9, 30000", "60, 30000"})
    void backoffDoublesFromTwoSecondsUpToTheCap(int retry, long nominalMillis) {
        assertThat(withRandom(0.5).backoff(retry)).isEqualTo(Duration.ofMillis(nominalMillis));
    }

    @Test
    void jitterSpreadsByTwentyPercentEitherWayButNeverPastTheCap() {
        assertThat(withRandom(0.0).backoff(1)).isEqualTo(Duration.ofMillis(1600));
        assertThat(withRandom(0.999999).backoff(1)).isEqualTo(Duration.ofMillis(2400));
        assertThat(withRandom(0.0).backoff(3)).isEqualTo(Duration.ofMillis(6400));
        assertThat(withRandom(0.999999).backoff(3)).isEqualTo(Duration.ofMillis(9600));
        assertThat(withRandom(0.0).backoff(10)).isEqualTo(Duration.ofMillis(24000));
        assertThat(withRandom(0.999999).backoff(10)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void realRandomJitterStaysWithinBounds() {
        RetryPolicy policy = RetryPolicy.defaults();
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.backoff(2).toMillis()).isBetween(3200L, 4800L);
        }
    }

    @Test
    void zeroJitterIsExact() {
        RetryPolicy policy = RetryPolicy.ofMillis(500, 3.0, 0.0, 10_000, 0, 5_000);
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(1500));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(4500));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(10_000));
    }

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
    void honoursRetryAfterWithinBounds(String header, long seconds) {
        assertThat(withRandom(0.5).delay(3, header)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void fallsBackToBackoffWithoutAUsableRetryAfter() {
        RetryPolicy policy = withRandom(0.5);
        assertThat(policy.delay(2, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(2, "")).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(2, "soon")).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(2, "-5")).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(2, "1.5")).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayMillis(1, null)).isEqualTo(2000L);
        assertThat(policy.delayMillis(1, "7")).isEqualTo(7000L);
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
        assertThatThrownBy(() -> RetryPolicy.ofMillis(0, 2, 0.2, 1000, 0, 1000)).hasMessageContaining("base");
        assertThatThrownBy(() -> RetryPolicy.ofMillis(1000, 0.5, 0.2, 1000, 0, 1000)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.ofMillis(1000, 2, 1.0, 1000, 0, 1000)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.ofMillis(1000, 2, 0.2, 1000, 2000, 1000)).hasMessageContaining("Retry-After min");
        assertThatThrownBy(() -> RetryPolicy.defaults().backoff(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
