package gateway.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Record changes waiting to be written, per tracking id. A stage's change waits {@code delayMillis} (then
 * for a free record writer); the changes to the same record that arrive meanwhile — in the normal flow
 * "queued" and "processing" come milliseconds apart, so do "delivering" and "delivered" — are written
 * together with one PUT. A write made in line ({@link #take}) carries what waits along with it.
 *
 * <p>The price is that the record shows a stage up to {@code delayMillis} late. Nothing depends on these
 * changes being written at once: the never-pay-twice write (the agent's result) is made in line.
 */
public final class PendingRecordWrites {

    /** A flush the writers' pool refused (it is saturated): its changes are dropped, the pool counts it. */
    public interface Dropped {
        void dropped();
    }

    private final ConcurrentHashMap<String, List<StageEvent>> waiting = new ConcurrentHashMap<>();
    private final Executor writers;
    private final ScheduledExecutorService timer;
    private final long delayMillis;
    private final BiConsumer<String, List<StageEvent>> write;

    /**
     * @param writers runs the writes (a bounded pool whose rejection handler calls {@link Dropped#dropped})
     * @param timer   holds a change for {@code delayMillis}; unused when that is 0
     * @param write   writes the changes of one record, in order, with one update
     */
    public PendingRecordWrites(Executor writers, ScheduledExecutorService timer, long delayMillis,
            BiConsumer<String, List<StageEvent>> write) {
        this.writers = writers;
        this.timer = timer;
        this.delayMillis = delayMillis;
        this.write = write;
    }

    /** Queues the change; a write is scheduled unless one for this record is already waiting. */
    public void submit(String trackingId, StageEvent event) {
        boolean[] first = new boolean[1];
        waiting.compute(trackingId, (id, events) -> {
            if (events == null) {
                events = new ArrayList<>(4);
                first[0] = true;
            }
            events.add(event);
            return events;
        });
        if (first[0]) {
            Flush flush = new Flush(trackingId);
            if (delayMillis <= 0) {
                writers.execute(flush);
            } else {
                try {
                    timer.schedule(() -> writers.execute(flush), delayMillis, TimeUnit.MILLISECONDS);
                } catch (RuntimeException stopped) {
                    writers.execute(flush); // the timer is shut down (stopping): write without waiting
                }
            }
        }
    }

    /** Removes and returns the changes waiting for this record, for a write made in line to carry. */
    public List<StageEvent> take(String trackingId) {
        List<StageEvent> events = waiting.remove(trackingId);
        return events == null ? List.of() : events;
    }

    /** Hands every waiting record to the writers now (on shutdown, before the writers finish). */
    public void flushAll() {
        for (String id : List.copyOf(waiting.keySet())) {
            writers.execute(new Flush(id));
        }
    }

    /** Records with changes waiting. */
    public int waiting() {
        return waiting.size();
    }

    private final class Flush implements Runnable, Dropped {
        private final String trackingId;

        Flush(String trackingId) {
            this.trackingId = trackingId;
        }

        @Override
        public void run() {
            List<StageEvent> events = waiting.remove(trackingId);
            if (events != null) { // else an in-line write or an earlier flush took them
                write.accept(trackingId, events);
            }
        }

        @Override
        public void dropped() {
            waiting.remove(trackingId);
        }
    }
}
