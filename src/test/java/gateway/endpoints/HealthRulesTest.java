package gateway.endpoints;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every move of an endpoint's health, as {@link HealthRules} makes it. */
class HealthRulesTest {

    static final EndpointRef CRM = new EndpointRef("acme", "crm");
    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    final HealthRules rules = new HealthRules(3, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1));

    @Test
    void failuresPauseOnlyWhenTheyAreEnoughAndSpanLongEnough() {
        EndpointHealth h = EndpointHealth.healthy(CRM);
        h = rules.failed(h, "HTTP_503", false, T0);
        assertThat(h.state()).isEqualTo(EndpointState.FAILING);
        h = rules.failed(h, "HTTP_503", false, T0.plusSeconds(10));
        h = rules.failed(h, "HTTP_503", false, T0.plusSeconds(20));
        assertThat(h.consecutiveFailures()).isEqualTo(3);
        assertThat(h.state()).as("three failures within 20 s: a restart, not an outage").isEqualTo(EndpointState.FAILING);
        h = rules.failed(h, "ConnectException", false, T0.plusSeconds(300));
        assertThat(h.state()).isEqualTo(EndpointState.PAUSED);
        assertThat(h.pausedBy()).isEqualTo(EndpointHealth.BY_FAILURES);
        assertThat(h.reason()).contains("4 consecutive failed attempts over 5 min", "ConnectException");
        assertThat(h.firstFailureAt()).isEqualTo(T0);
        assertThat(h.nextProbeAt()).isEqualTo(T0.plusSeconds(360));
    }

    @Test
    void aSuccessClearsTheCountAndGoneAnswersPauseAtOnce() {
        EndpointHealth h = rules.failed(EndpointHealth.healthy(CRM), "HTTP_500", false, T0);
        h = rules.succeeded(h, T0.plusSeconds(1));
        assertThat(h.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(h.consecutiveFailures()).isZero();
        assertThat(h.lastSuccessAt()).isEqualTo(T0.plusSeconds(1));
        h = rules.failed(h, "HTTP_410", true, T0.plusSeconds(2));
        assertThat(h.state()).isEqualTo(EndpointState.PAUSED);
        assertThat(h.pausedBy()).isEqualTo(EndpointHealth.BY_GONE);
    }

    @Test
    void probesBackOffFromTheMinimumToTheMaximumThenAResumeReleasesThenHealthy() {
        EndpointHealth h = rules.failed(EndpointHealth.healthy(CRM), "HTTP_410", true, T0);
        assertThat(rules.probeDue(h, T0.plusSeconds(59))).isFalse();
        assertThat(rules.probeDue(h, T0.plusSeconds(60))).isTrue();
        Instant now = T0.plusSeconds(60);
        long[] waits = new long[8];
        for (int i = 0; i < waits.length; i++) {
            EndpointHealth taken = rules.probeTaken(h, now);
            waits[i] = Duration.between(now, taken.nextProbeAt()).toMinutes();
            assertThat(rules.probeDue(taken, now)).as("taken: not due again at once").isFalse();
            h = rules.failed(taken, "HTTP_503", false, now);
            assertThat(h.state()).isEqualTo(EndpointState.PAUSED);
            now = h.nextProbeAt();
        }
        assertThat(waits).containsExactly(2, 4, 8, 16, 32, 60, 60, 60);

        h = rules.probeSucceeded(h, now);
        assertThat(h.state()).isEqualTo(EndpointState.RESUMING);
        assertThat(h.holdsDeliveries()).as("new deliveries wait behind the parked ones").isTrue();
        assertThat(rules.failed(h, "HTTP_502", false, now).state()).as("a failure while releasing").isEqualTo(EndpointState.PAUSED);
        EndpointHealth leased = rules.releaseTaken(h, "replica-a", now, now.plusSeconds(30));
        assertThat(rules.releaseTaken(leased, "replica-b", now.plusSeconds(10), now.plusSeconds(40)))
                .as("another replica's lease holds").isEqualTo(leased);
        assertThat(rules.releaseTaken(leased, "replica-b", now.plusSeconds(31), now.plusSeconds(61)).releaseOwner())
                .as("an expired lease is taken over").isEqualTo("replica-b");
        EndpointHealth done = rules.released(leased, "replica-a");
        assertThat(done.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(done.releaseOwner()).isNull();
    }

    @Test
    void aPauseByHandHasNoProbesAndAResumeByHandReleases() {
        EndpointHealth h = rules.pausedByHand(EndpointHealth.healthy(CRM), EndpointHealth.BY_CALLER, T0);
        assertThat(h.state()).isEqualTo(EndpointState.PAUSED);
        assertThat(h.reason()).isEqualTo("paused by the caller");
        assertThat(rules.probeDue(h, T0.plusSeconds(86_400))).isFalse();
        assertThat(rules.succeeded(h, T0.plusSeconds(1)).nextProbeAt()).as("a late success does not probe it").isNull();
        h = rules.resumedByHand(h, EndpointHealth.BY_OPERATOR, T0.plusSeconds(5));
        assertThat(h.state()).isEqualTo(EndpointState.RESUMING);
        assertThat(h.reason()).startsWith("resumed by an operator");
    }

    @Test
    void aSuccessIsWrittenOnlyWhenItChangesSomething() {
        EndpointHealth h = rules.succeeded(EndpointHealth.healthy(CRM), T0);
        assertThat(rules.successChanges(EndpointHealth.healthy(CRM), T0)).as("never written").isTrue();
        assertThat(rules.successChanges(h, T0.plusSeconds(60))).isFalse();
        assertThat(rules.successChanges(h, T0.plusSeconds(301))).as("last_success_at refreshed every 5 min").isTrue();
        assertThat(rules.successChanges(rules.failed(h, "HTTP_500", false, T0), T0)).isTrue();
    }

    @Test
    void healthRoundTripsThroughItsJsonAndBadSettingsAreRefused() {
        EndpointHealth h = rules.failed(EndpointHealth.healthy(CRM), "HTTP_410", true, T0).updated(T0);
        assertThat(EndpointHealth.fromJson(CRM, h.toJson())).isEqualTo(h);
        assertThat(EndpointHealth.fromJson(CRM, null).state()).isEqualTo(EndpointState.HEALTHY);
        assertThatThrownBy(() -> new HealthRules(0, Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1)))
                .hasMessageContaining("ENDPOINT_PAUSE_FAILURES");
        assertThatThrownBy(() -> new HealthRules(3, Duration.ZERO, Duration.ofHours(2), Duration.ofHours(1)))
                .hasMessageContaining("ENDPOINT_PROBE_MIN");
    }

    @Test
    void endpointKeysAreOneSegmentAndReadBack() {
        EndpointRef callback = EndpointRef.of(new gateway.delivery.DeliveryTarget(gateway.delivery.DeliveryTarget.Kind.CALLBACK,
                "acme", null, "https://Hooks.Example.com/cb/1?token=x", "msg_1_callback"));
        assertThat(callback.name()).isEqualTo("callback:https:hooks.example.com:443");
        assertThat(callback.key()).doesNotContain("/");
        assertThat(EndpointRef.fromKey(callback.key())).contains(callback);
        assertThat(EndpointRef.fromKey(EndpointRef.DEFAULT.key())).contains(EndpointRef.DEFAULT);
        assertThat(EndpointRef.fromKey("nonsense")).isEmpty();
        assertThat(DeliveryLane.orderKey(T0, "msg_1")).isLessThan(DeliveryLane.orderKey(T0.plusNanos(1_000), "msg_0"));
        assertThat(DeliveryLane.startOf(T0)).isLessThan(DeliveryLane.orderKey(T0, "msg_0"));
    }
}
