package gateway.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import routes.TrackingRoute;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The record-change step (the aggregate of {@link TrackingRoute}): changes to one record that arrive within the
 * delay are written together, in order, once; an in-line write takes what waits; a write the saturated writers
 * refuse is dropped (and counted) instead of blocking the record forever; on a stop, what waits is written.
 */
class PendingRecordWritesTest {

    /** The record writers: runs nothing by itself ({@link #runAll()} runs what was handed to it), or refuses all. */
    static final class ManualExecutor extends AbstractExecutorService {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean refuse;

        @Override
        public void execute(Runnable task) {
            if (refuse) {
                throw new RejectedExecutionException("saturated");
            }
            tasks.add(task);
        }

        void runAll() {
            Runnable next;
            while ((next = tasks.poll()) != null) {
                next.run();
            }
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return new ArrayList<>(tasks);
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Instead of writing to S3: keeps the statuses of each write, per record. */
    static final class WrittenRecords extends RecordWriter {
        final Map<String, List<List<TrackingStatus>>> written = new ConcurrentHashMap<>();

        WrittenRecords() {
            super(null);
        }

        @Override
        public ObjectNode write(@ExchangeProperty(FlowProperties.TRACKING_ID) String id, @Body List<StageEvent> events,
                Exchange exchange) {
            written.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(events.stream().map(StageEvent::status).toList());
            return Json.object();
        }
    }

    final ManualExecutor writers = new ManualExecutor();
    final WrittenRecords records = new WrittenRecords();
    TrackingContext tracking;

    TrackingContext pending(long delayMillis) throws Exception {
        return pending(delayMillis, writers);
    }

    TrackingContext pending(long delayMillis, ExecutorService pool) throws Exception {
        S3Client unused = S3Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).build();
        tracking = TrackingContext.start(unused, "unused", Map.of("gateway.tracking.write-delay-ms", Long.toString(delayMillis)),
                registry -> {
                    // the configuration's own beans are bound lazily: unbound first, so these replace them
                    if (pool != null) {
                        registry.unbind("recordWriters");
                        registry.bind("recordWriters", ExecutorService.class, pool);
                    }
                    registry.unbind("recordWriter");
                    registry.bind("recordWriter", RecordWriter.class, records);
                });
        return tracking;
    }

    static StageEvent event(TrackingStatus status) {
        return new StageEvent(status, "2026-11-28T20:00:00.000Z", null, null, null);
    }

    @AfterEach
    void stop() {
        if (tracking != null) {
            writers.refuse = false;
            writers.runAll();
            tracking.close();
        }
    }

    @Test
    void changesWithinTheDelayAreWrittenTogetherInOrder() throws Exception {
        TrackingContext p = pending(60_000);
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        p.send(TrackingRoute.RECORD_CHANGE, "b", event(TrackingStatus.QUEUED));
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.PROCESSING));
        assertThat(writers.tasks).as("nothing leaves before the delay").isEmpty();
        assertThat(p.waiting()).as("one write per record").isEqualTo(2);
        assertThat(p.changes().getCompletionTimeout()).as("held for the delay").isEqualTo(60_000);
        p.changes().forceCompletionOfAllGroups(); // the delay is over
        writers.runAll();
        assertThat(records.written.get("a")).containsExactly(List.of(TrackingStatus.QUEUED, TrackingStatus.PROCESSING));
        assertThat(records.written.get("b")).containsExactly(List.of(TrackingStatus.QUEUED));
        assertThat(p.waiting()).isZero();
    }

    @Test
    void whenTheDelayIsOverTheChangesAreWritten() throws Exception {
        TrackingContext p = pending(50, null); // the app's own record writers
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.PROCESSING));
        await().atMost(Duration.ofSeconds(30)).until(() -> records.written.containsKey("a"));
        assertThat(records.written.get("a")).first().isEqualTo(List.of(TrackingStatus.QUEUED, TrackingStatus.PROCESSING));
    }

    @Test
    void withoutADelayEachChangeGoesToTheWritersAtOnce() throws Exception {
        TrackingContext p = pending(0);
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        assertThat(writers.tasks).hasSize(1);
        writers.runAll();
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.PROCESSING));
        writers.runAll();
        assertThat(records.written.get("a")).containsExactly(List.of(TrackingStatus.QUEUED), List.of(TrackingStatus.PROCESSING));
    }

    @Test
    void anInLineWriteTakesWhatWaitsAndTheFlushThenFindsNothing() throws Exception {
        TrackingContext p = pending(60_000);
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.PROCESSING));
        p.send(TrackingRoute.RECORD_NOW, "a", event(TrackingStatus.ANSWERED));
        assertThat(records.written.get("a")).as("written in line, with what waited")
                .containsExactly(List.of(TrackingStatus.QUEUED, TrackingStatus.PROCESSING, TrackingStatus.ANSWERED));
        assertThat(p.waiting()).isZero();
        p.changes().forceCompletionOfAllGroups();
        writers.runAll();
        assertThat(records.written.get("a")).hasSize(1);
    }

    @Test
    void aRefusedWriteForgetsItsChangesAndTheRecordIsWrittenAgainLater() throws Exception {
        TrackingContext p = pending(0);
        writers.refuse = true;
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        assertThat(p.waiting()).isZero();
        assertThat(records.written).isEmpty();
        assertThat(p.metrics.registry().get("gateway.record.store.errors").tag("operation", "queue_full").counter().count())
                .isEqualTo(1);

        writers.refuse = false;
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        writers.runAll();
        assertThat(records.written.get("a")).hasSize(1);
    }

    @Test
    void theAppsSaturatedWritersDropTheWriteAndCountIt() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingRecords blocking = new BlockingRecords(busy, release);
        // the app's own pool (TrackingConfiguration): one writer, one write waiting
        tracking = TrackingContext.start(S3Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).build(),
                "unused", Map.of("gateway.tracking.writer-threads", "1", "gateway.tracking.writer-queue", "1"),
                registry -> {
                    registry.unbind("recordWriter");
                    registry.bind("recordWriter", RecordWriter.class, blocking);
                });
        tracking.send(TrackingRoute.RECORD_CHANGE, "busy", event(TrackingStatus.QUEUED));
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
        tracking.send(TrackingRoute.RECORD_CHANGE, "waits", event(TrackingStatus.QUEUED));
        tracking.send(TrackingRoute.RECORD_CHANGE, "dropped", event(TrackingStatus.QUEUED));
        assertThat(tracking.metrics.registry().get("gateway.record.store.errors").tag("operation", "queue_full").counter().count())
                .isEqualTo(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> blocking.written.keySet().containsAll(List.of("busy", "waits")));
        assertThat(blocking.written).doesNotContainKey("dropped");
        assertThat(tracking.waiting()).isZero();
    }

    /** The first write holds its writer until released. */
    static final class BlockingRecords extends RecordWriter {
        final Map<String, List<TrackingStatus>> written = new ConcurrentHashMap<>();
        private final CountDownLatch busy;
        private final CountDownLatch release;

        BlockingRecords(CountDownLatch busy, CountDownLatch release) {
            super(null);
            this.busy = busy;
            this.release = release;
        }

        @Override
        public ObjectNode write(@ExchangeProperty(FlowProperties.TRACKING_ID) String id, @Body List<StageEvent> events,
                Exchange exchange) {
            if ("busy".equals(id)) {
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            written.put(id, events.stream().map(StageEvent::status).toList());
            return Json.object();
        }
    }

    @Test
    void aStopWritesEveryWaitingRecord() throws Exception {
        TrackingContext p = pending(60_000, null); // the app's own record writers
        p.send(TrackingRoute.RECORD_CHANGE, "a", event(TrackingStatus.QUEUED));
        p.send(TrackingRoute.RECORD_CHANGE, "b", event(TrackingStatus.DELIVERING));
        p.context.stop();
        assertThat(records.written).containsOnlyKeys("a", "b");
    }
}
