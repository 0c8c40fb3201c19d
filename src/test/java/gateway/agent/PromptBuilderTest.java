package gateway.agent;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptBuilderTest {

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void buildsTheDateContextBlockThenTheSeparatorThenTheRequest() {
        String prompt = new PromptBuilder(at("2025-11-28T14:05:59Z")).build("What deals are closing this quarter?");

        assertThat(prompt)
                .contains("Today is Friday, November 28, 2025")
                .contains("Current time: 14:05 UTC")
                .contains("Current quarter: Q4 2025")
                .contains("Current month: November 2025")
                .endsWith("**USER REQUEST:**\nWhat deals are closing this quarter?\n");
        int separator = prompt.indexOf("=====");
        assertThat(separator).isGreaterThan(prompt.indexOf("Current month"));
        assertThat(prompt.indexOf("**USER REQUEST:**")).isGreaterThan(separator);
    }

    @ParameterizedTest
    @CsvSource({"01,Q1", "02,Q1", "03,Q1", "04,Q2", "05,Q2", "06,Q2", "07,Q3", "08,Q3", "09,Q3", "10,Q4", "11,Q4", "12,Q4"})
    void quarterForEveryMonth(String month, String quarter) {
        PromptBuilder builder = new PromptBuilder(at("2026-" + month + "-15T00:00:00Z"));
        assertThat(builder.values("q").get("quarter")).isEqualTo(quarter + " 2026");
    }

    @Test
    void quarterBoundariesAreInUtcWhateverTheClockZone() {
        // 2025-12-31 23:30 in UTC is already January 1st in Berlin: the prompt speaks UTC
        Clock berlin = Clock.fixed(Instant.parse("2025-12-31T23:30:00Z"), ZoneId.of("Europe/Berlin"));
        assertThat(new PromptBuilder(berlin).values("q"))
                .containsEntry("quarter", "Q4 2025")
                .containsEntry("time_utc", "23:30")
                .containsEntry("weekday", "Wednesday")
                .containsEntry("date_iso", "2025-12-31");
        assertThat(new PromptBuilder(at("2026-04-01T00:00:00Z")).values("q")).containsEntry("quarter", "Q2 2026");
    }

    @Test
    void aQueryContainingPlaceholdersOrDollarsIsKeptAsWritten() {
        String prompt = new PromptBuilder(at("2025-01-02T03:04:05Z"), "${quarter}|${query}").build("${weekday} costs $1.2M \\ 2");
        assertThat(prompt).isEqualTo("Q1 2025|${weekday} costs $1.2M \\ 2");
    }

    @Test
    void rejectsTemplatesWithUnknownPlaceholdersOrNoQuery() {
        assertThatThrownBy(() -> new PromptBuilder(Clock.systemUTC(), "${today} ${query}")).hasMessageContaining("${today}");
        assertThatThrownBy(() -> new PromptBuilder(Clock.systemUTC(), "${weekday}")).hasMessageContaining("${query}");
    }
}
