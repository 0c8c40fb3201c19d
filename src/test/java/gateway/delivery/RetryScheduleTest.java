package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void parsesTheDefaultSchedule() {
        RetrySchedule schedule = RetrySchedule.parse(RetrySchedule.DEFAULT);
        assertThat(schedule.delays()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5),
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
        assertThat(RetrySchedule.parse(" 30s , 90 , 1500ms, PT5M, 1d ").delays()).containsExactly(
                Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(2) /* rounded up */,
                Duration.ofMinutes(5), Duration.ofHours(12) /* clamped */);
        assertThat(RetrySchedule.parse("2H,10M").delays()).containsExactly(Duration.ofHours(2), Duration.ofMinutes(10));
    }

    @Test
    void clampsToTheSqsMaximumVisibilityTimeout() {
        RetrySchedule schedule = RetrySchedule.parse("13h,12h,24h");
        assertThat(schedule.delays()).containsOnly(Duration.ofHours(12));
        assertThat(schedule.nextVisibilityDelay(1).orElseThrow().toSeconds()).isEqualTo(43_200);
    }

    @Test
    void leavesRoomForTheTimeAlreadyInFlight() {
        RetrySchedule schedule = RetrySchedule.parse("1m,12h");
        assertThat(schedule.nextVisibilityDelay(1, Duration.ofSeconds(40))).contains(Duration.ofMinutes(1));
        assertThat(schedule.nextVisibilityDelay(2, Duration.ofSeconds(40)))
                .contains(Duration.ofHours(12).minusSeconds(40));
        assertThat(schedule.nextVisibilityDelay(2, Duration.ofHours(13))).contains(Duration.ZERO);
        assertThat(schedule.nextVisibilityDelay(3, Duration.ZERO)).isEmpty();
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
}
