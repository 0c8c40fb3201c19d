package gateway.cancel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import gateway.agent.InFlightCalls;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch on the embedded S3: a marker written by one replica is known to another after its poll, which aborts that
 * question's call in flight there; an old marker is deleted; a dropped question's marker is deleted and counted; the
 * agent stage's result for a cancelled question is dropped, the cancellation itself never.
 */
class CancellationWatchTest {

    static EmbeddedS3 s3;
    static S3Bucket bucket;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start("gw-cancel");
        bucket = new S3Bucket(s3.client(), "gw-cancel", "team-a/", false);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void anotherReplicaLearnsFromItsPollAndAbortsItsCall() {
        CancellationMarkers markers = new CancellationMarkers(bucket);
        InFlightCalls here = new InFlightCalls();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CancellationWatch watch = new CancellationWatch(markers, () -> here, new FlowMetrics(registry), Clock.systemUTC(), Duration.ofHours(1));
        AtomicInteger aborted = new AtomicInteger();
        here.register("id-at-the-agent", aborted::incrementAndGet);

        // the cancel route of another replica wrote the markers
        markers.put("id-at-the-agent");
        markers.put("id-queued");
        assertThat(watch.knows("id-queued")).isFalse();

        watch.poll();
        assertThat(watch.knows("id-queued")).isTrue();
        assertThat(watch.cancelled(null, "id-queued")).isTrue();
        assertThat(watch.cancelled("cancelled", "any")).as("the record says so").isTrue();
        assertThat(watch.cancelled("processing", "another")).isFalse();
        assertThat(aborted.get()).as("its call here aborted").isEqualTo(1);
        assertThat(here.cancelled("id-queued")).as("the component starts no call of it").isTrue();

        // the agent stage's result is dropped, the cancellation webhook never
        String answer = "{\"status\":\"answered\"}";
        assertThat(watch.resultDropped(answer, null, "id-queued")).isTrue();
        // the record as written with the result says "cancelled" (another replica's cancel), or does not
        com.fasterxml.jackson.databind.node.ObjectNode cancelledRecord = gateway.json.Json.object().put("status", "cancelled");
        com.fasterxml.jackson.databind.node.ObjectNode answeredRecord = gateway.json.Json.object().put("status", "answered");
        assertThat(watch.resultDropped(answer, cancelledRecord, "unknown-here")).isTrue();
        assertThat(watch.resultDropped(answer, answeredRecord, "unknown-here")).isFalse();
        assertThat(watch.resultDropped("{\"status\":\"cancelled\"}", cancelledRecord, "id-queued")).isFalse();

        // dropped by the agent stage: counted, its marker deleted
        watch.dropped("queued", "id-queued");
        assertThat(registry.get("gateway.cancellations").tag("stage", "queued").counter().count()).isEqualTo(1);
        assertThat(markers.list()).containsOnlyKeys("id-at-the-agent");
        markers.delete("id-at-the-agent");
    }

    @Test
    void aMarkerOlderThanTheLimitIsDeletedAndIgnored() {
        CancellationMarkers markers = new CancellationMarkers(bucket);
        s3.client().putObject(r -> r.bucket("gw-cancel").key("team-a/watch/cancelled/old-one"), RequestBody.fromString("{}"));
        // a clock two days ahead: the marker is older than the one-day limit
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        CancellationWatch watch = new CancellationWatch(markers, InFlightCalls::new, new FlowMetrics(new SimpleMeterRegistry()), later,
                Duration.ofDays(1));
        watch.poll();
        assertThat(watch.knows("old-one")).isFalse();
        assertThat(markers.list()).doesNotContainKey("old-one");
    }

    @Test
    void beforeItsFirstPollTheWatchListsOnceWhenAsked() {
        CancellationMarkers markers = new CancellationMarkers(bucket);
        markers.put("id-before-start");
        CancellationWatch watch = new CancellationWatch(markers, InFlightCalls::new, new FlowMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(), Duration.ofHours(1));
        assertThat(watch.cancelled(null, "id-before-start")).isTrue();
        markers.delete("id-before-start");
    }

    @Test
    void forgettingDuringAPollThatListedAMarkerSinceDeletedForgetsIt() throws Exception {
        CountDownLatch listed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a poll's LIST that saw the marker just before it was deleted, and returns late
        CancellationMarkers slow = new CancellationMarkers(bucket) {
            @Override
            public Map<String, Instant> list() {
                listed.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of("id-deleted-meanwhile", Instant.now());
            }
        };
        CancellationWatch watch = new CancellationWatch(slow, InFlightCalls::new, new FlowMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(), Duration.ofHours(1));
        Thread poll = new Thread(watch::poll);
        poll.start();
        assertThat(listed.await(10, TimeUnit.SECONDS)).isTrue();
        Thread forget = new Thread(watch::forget);
        forget.start();
        // forget has been called: either it waits for the poll, or (unsynchronized) it has already returned
        await().atMost(Duration.ofSeconds(10)).until(() -> forget.getState() == Thread.State.BLOCKED
                || forget.getState() == Thread.State.TERMINATED);
        release.countDown();
        poll.join(10_000);
        forget.join(10_000);
        assertThat(watch.knows("id-deleted-meanwhile")).as("forgotten after the poll that listed it").isFalse();
    }
}
