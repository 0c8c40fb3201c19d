package gateway.sqs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** While a queue is idle its consumers take turns (one long poll waiting); a poll that brings messages lets all poll. */
class IdlePollsTest {

    final IdlePolls polls = new IdlePolls();

    @Test
    void atFirstEveryConsumerPolls() {
        for (int i = 0; i < 4; i++) {
            assertThat(polls.begin("q")).isTrue();
        }
        assertThat(polls.waiting("q")).isEqualTo(4);
    }

    @Test
    void onceAPollCameBackEmptyOnlyOnePollWaitsAtATime() {
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isTrue();
        polls.ended("q", 0);
        // one poll still waits: the others skip their turn
        assertThat(polls.begin("q")).isFalse();
        assertThat(polls.begin("q")).isFalse();
        polls.ended("q", 0);
        // none waits: the next consumer polls, and only that one
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isFalse();
        assertThat(polls.waiting("q")).isEqualTo(1);
    }

    @Test
    void aPollThatBroughtMessagesLetsEveryConsumerPollAgain() {
        assertThat(polls.begin("q")).isTrue();
        polls.ended("q", 0);
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isFalse();
        polls.ended("q", 7);
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isTrue();
    }

    @Test
    void aFailedPollFreesItsTurnAndLeavesTheIdleStateAsItWasAndQueuesAreApart() {
        assertThat(polls.begin("q")).isTrue();
        polls.ended("q", 0);
        assertThat(polls.begin("q")).isTrue();
        polls.ended("q", -1);
        assertThat(polls.waiting("q")).isZero();
        assertThat(polls.begin("q")).isTrue();
        assertThat(polls.begin("q")).isFalse();
        assertThat(polls.begin("other")).isTrue();
        assertThat(polls.begin("other")).isTrue();
        polls.ended("unknown", 0);
        assertThat(polls.waiting("unknown")).isZero();
    }
}
