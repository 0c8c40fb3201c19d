package gateway.tracking;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes to one record that arrive within the delay are written together, in order, once; an in-line
 * write takes what waits; a refused flush forgets its changes instead of blocking the record forever.
 */
class PendingRecordWritesTest {

    /** Runs nothing by itself: {@link #runAll()} runs what was handed to it. */
    static final class ManualExecutor implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable next;
            while ((next = tasks.poll()) != null) {
                next.run();
            }
        }
    }

    /**
     * Keeps what is scheduled on it (task and delay) instead of running it: {@link #elapse()} runs it, as
     * when the delay is over. No test waits on the clock (a busy machine makes timers late, threads slow).
     */
    static final class ManualTimer extends ScheduledThreadPoolExecutor {
        record Scheduled(Runnable task, long delayMillis) {
        }

        final ConcurrentLinkedQueue<Scheduled> scheduled = new ConcurrentLinkedQueue<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (isShutdown()) {
                throw new RejectedExecutionException("timer shut down");
            }
            scheduled.add(new Scheduled(command, unit.toMillis(delay)));
            return super.schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
        }

        void elapse() {
            Scheduled next;
            while ((next = scheduled.poll()) != null) {
                next.task().run();
            }
        }
    }

    final ManualExecutor writers = new ManualExecutor();
    final ManualTimer timer = new ManualTimer();
    final Map<String, List<List<TrackingStatus>>> written = new ConcurrentHashMap<>();

    PendingRecordWrites pending(long delayMillis) {
        return new PendingRecordWrites(writers, timer, delayMillis, (id, events) ->
                written.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(events.stream().map(StageEvent::status).toList()));
    }

    static StageEvent event(TrackingStatus status) {
        return new StageEvent(status, "2026-11-28T20:00:00.000Z", null, null, null);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void changesWithinTheDelayAreWrittenTogetherInOrder() throws Exception {
        PendingRecordWrites p = pending(150);
        p.submit("a", event(TrackingStatus.QUEUED));
        p.submit("b", event(TrackingStatus.QUEUED));
        p.submit("a", event(TrackingStatus.PROCESSING));
        assertThat(writers.tasks).as("nothing leaves before the delay").isEmpty();
        assertThat(timer.scheduled).as("one write per record, held for the delay")
                .extracting(ManualTimer.Scheduled::delayMillis).containsExactly(150L, 150L);
        timer.elapse();
        writers.runAll();
        assertThat(written.get("a")).containsExactly(List.of(TrackingStatus.QUEUED, TrackingStatus.PROCESSING));
        assertThat(written.get("b")).containsExactly(List.of(TrackingStatus.QUEUED));
        assertThat(p.waiting()).isZero();
    }

    @Test
    void withoutADelayEachChangeGoesToTheWritersAtOnce() {
        PendingRecordWrites p = pending(0);
        p.submit("a", event(TrackingStatus.QUEUED));
        assertThat(writers.tasks).hasSize(1);
        writers.runAll();
        p.submit("a", event(TrackingStatus.PROCESSING));
        writers.runAll();
        assertThat(written.get("a")).containsExactly(List.of(TrackingStatus.QUEUED), List.of(TrackingStatus.PROCESSING));
    }

    @Test
    void anInLineWriteTakesWhatWaitsAndTheFlushThenFindsNothing() {
        PendingRecordWrites p = pending(0);
        p.submit("a", event(TrackingStatus.QUEUED));
        p.submit("a", event(TrackingStatus.PROCESSING));
        assertThat(p.take("a")).extracting(StageEvent::status).containsExactly(TrackingStatus.QUEUED, TrackingStatus.PROCESSING);
        writers.runAll();
        assertThat(written).isEmpty();
        assertThat(p.take("a")).isEmpty();
    }

    @Test
    void aRefusedFlushForgetsItsChangesAndTheRecordIsWrittenAgainLater() {
        Executor refusing = task -> ((PendingRecordWrites.Dropped) task).dropped();
        PendingRecordWrites p = new PendingRecordWrites(refusing, timer, 0, (id, events) ->
                written.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(List.of()));
        p.submit("a", event(TrackingStatus.QUEUED));
        assertThat(p.waiting()).isZero();

        PendingRecordWrites q = pending(0);
        q.submit("a", event(TrackingStatus.QUEUED));
        writers.runAll();
        assertThat(written.get("a")).hasSize(1);
    }

    @Test
    void flushAllHandsEveryWaitingRecordToTheWriters() {
        PendingRecordWrites p = pending(60_000);
        p.submit("a", event(TrackingStatus.QUEUED));
        p.submit("b", event(TrackingStatus.DELIVERING));
        p.flushAll();
        writers.runAll();
        assertThat(written).containsOnlyKeys("a", "b");
        assertThat(p.waiting()).isZero();
    }
}
