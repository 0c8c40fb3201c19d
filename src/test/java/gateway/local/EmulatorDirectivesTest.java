package gateway.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The steps markers and what the emulator schedules from them (its times, not measured ones). */
class EmulatorDirectivesTest {

    private static EmulatorDirectives parse(String text) {
        return EmulatorDirectives.parse(text, AgentEmulator.Settings.defaults().withLatencyMillis(1500));
    }

    @Test
    void withoutStepsMarkerOneStepAtOnceAndTheAnswerAfterTheLatency() {
        EmulatorDirectives d = parse("Which deals?");
        assertThat(d.steps()).isEqualTo(1);
        assertThat(d.stepAt(0)).isZero();
        assertThat(d.answerAt()).isEqualTo(1500);
        assertThat(d.answerFrom(false)).isEqualTo(1500);
    }

    @Test
    void stepsAreSpreadOverTheLatencyOrTheirOwnTime() {
        EmulatorDirectives overLatency = parse("q [emulator:steps=5]");
        assertThat(overLatency.steps()).isEqualTo(5);
        assertThat(new long[] { overLatency.stepAt(0), overLatency.stepAt(1), overLatency.stepAt(4) }).containsExactly(0, 300, 1200);
        assertThat(overLatency.answerAt()).isEqualTo(1500);

        EmulatorDirectives overTen = parse("q [emulator:steps=5,over=10s]");
        assertThat(new long[] { overTen.stepAt(0), overTen.stepAt(1), overTen.stepAt(2), overTen.stepAt(3), overTen.stepAt(4) })
                .containsExactly(0, 2000, 4000, 6000, 8000);
        assertThat(overTen.answerAt()).as("after the latency and the steps' time, whichever is later").isEqualTo(10_000);
        assertThat(parse("[emulator:steps=2, over=250ms]").stepAt(1)).isEqualTo(125);
        assertThat(parse("[emulator:steps=3,over=1m]").answerAt()).isEqualTo(60_000);
        assertThat(parse("[emulator:latency=9000][emulator:steps=3,over=300]").answerAt()).isEqualTo(9000);
        assertThat(parse("[emulator:steps=0]").steps()).isZero();
    }

    @Test
    void aStreamedAnswersChunksAreSpreadFromTheLastStepToTheAnswersTimeOtherwiseAllComeThen() {
        EmulatorDirectives d = parse("q [emulator:steps=5,over=10s]");
        assertThat(d.answerFrom(true)).isEqualTo(8000);
        assertThat(new long[] { d.chunkAt(0, 4, true), d.chunkAt(1, 4, true), d.chunkAt(3, 4, true) })
                .containsExactly(8500, 9000, 10_000);
        assertThat(new long[] { d.chunkAt(0, 4, false), d.chunkAt(3, 4, false) }).containsExactly(10_000, 10_000);

        EmulatorDirectives plain = parse("q");
        assertThat(plain.answerFrom(true)).isZero();
        assertThat(plain.chunkAt(0, 3, true)).isEqualTo(500);
        assertThat(plain.chunkAt(2, 3, true)).isEqualTo(1500);
        assertThat(EmulatorDirectives.parse("q", AgentEmulator.Settings.defaults()).chunkAt(0, 3, true)).isZero();
    }

    @Test
    void malformedStepsMarkersAreRefused() {
        for (String bad : new String[] { "[emulator:steps=x]", "[emulator:steps=-1]", "[emulator:steps=1001]",
                "[emulator:steps=3,over=soon]", "[emulator:steps=3,every=1s]", "[emulator:steps=3,over]" }) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
        assertThat(EmulatorDirectives.strip("Hi [emulator:steps=5,over=10s] there")).isEqualTo("Hi  there");
    }
}
