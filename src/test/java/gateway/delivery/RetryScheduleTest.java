package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void parsesTheDefaultSchedule() {
        RetrySchedule schedule = RetrySchedule.parse(ops.AppSettings.requiredDefault("DELIVERY_SCHEDULE"));
        assertThat(delays(schedule)).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6));
        assertThat(schedule.attempts()).isEqualTo(6);
    }

    @Test
    void walksTheScheduleThenIsExhausted() {
        RetrySchedule schedule = RetrySchedule.parse("1m,5m,30m,2h,6h");
        assertThat(schedule.nextVisibilityDelay(1)).contains(Duration.ofMinutes(1));
        assertThat(schedule.nextVisibilityDelay(2)).contains(Duration.ofMinutes(5));
        assertThat(schedule.nextVisibilityDelay(5)).contains(Duration.ofHours(6));
        assertThat(schedule.nextVisibilityDelay(6)).isEmpty();
        assertThat(schedule.nextVisibilityDelay(100)).isEmpty();
        assertThatThrownBy(() -> schedule.nextVisibilityDelay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsUnitsSpacesAndIsoDurations() {
        assertThat(delays(RetrySchedule.parse(" 30s , 90 , 1500ms, PT5M, 1d "))).containsExactly(
                Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(2) /* rounded up */,
                Duration.ofMinutes(5), Duration.ofHours(12) /* clamped */);
        assertThat(delays(RetrySchedule.parse("2H,10M"))).containsExactly(Duration.ofHours(2), Duration.ofMinutes(10));
    }

    @Test
    void clampsToTheSqsMaximumVisibilityTimeout() {
        RetrySchedule schedule = RetrySchedule.parse("13h,12h,24h");
        assertThat(delays(schedule)).containsOnly(Duration.ofHours(12));
        assertThat(schedule.nextVisibilityDelay(1).orElseThrow().toSeconds()).isEqualTo(43_200);
    }

    @Test
    void blankMeansNoLongRetries() {
        RetrySchedule schedule = RetrySchedule.parse("  ");
        assertThat(schedule.attempts()).isEqualTo(1);
        assertThat(schedule.nextVisibilityDelay(1)).isEmpty();
    }

    @Test
    void rejectsMalformedEntriesNamingThem() {
        assertThatThrownBy(() -> RetrySchedule.parse("1m,,5m")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> RetrySchedule.parse("1m,5 weeks")).hasMessageContaining("'5 weeks'");
        assertThatThrownBy(() -> RetrySchedule.parse("m5")).hasMessageContaining("no number");
        assertThatThrownBy(() -> RetrySchedule.parse("-5m")).hasMessageContaining("'-5m'");
        assertThatThrownBy(() -> RetrySchedule.parse("PT-5M")).hasMessageContaining("negative");
        assertThatThrownBy(() -> RetrySchedule.parse("99999999999999999999h")).hasMessageContaining("not a duration");
    }

    /** Every delay of the schedule, walked as the route walks it: receive 1, 2, ... until it is exhausted. */
    private static List<Duration> delays(RetrySchedule schedule) {
        List<Duration> delays = new ArrayList<>();
        for (int receive = 1; receive < schedule.attempts(); receive++) {
            delays.add(schedule.nextVisibilityDelay(receive).orElseThrow());
        }
        assertThat(schedule.nextVisibilityDelay(schedule.attempts())).isEmpty();
        return delays;
    }
}
