package gateway.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching rule, step by step with a hand-cranked executor (nothing runs until the test says so):
 * a lone item leaves at once and alone; items arriving while every slot is busy leave together when one
 * frees, never more than the item or weight limits; a heavy item travels alone.
 */
class NaturalBatcherTest {

    /** Runs nothing by itself: {@link #runNext()} runs the oldest task handed to it. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runNext() {
            tasks.remove().run();
        }
    }

    final ManualExecutor executor = new ManualExecutor();
    final List<List<String>> calls = new ArrayList<>();
    final List<String> completed = new ArrayList<>();

    NaturalBatcher<String> batcher(int maxInFlight, int maxItems, int maxWeight) {
        return new NaturalBatcher<>(maxInFlight, maxItems, maxWeight, String::length, batch -> {
            calls.add(List.copyOf(batch));
            return () -> completed.addAll(batch);
        }, executor);
    }

    @Test
    void aLoneItemLeavesAtOnceAndAlone() {
        NaturalBatcher<String> b = batcher(2, 10, 1000);
        b.add("a");
        assertThat(executor.tasks).hasSize(1);
        executor.runNext();
        assertThat(calls).containsExactly(List.of("a"));
        assertThat(completed).containsExactly("a");
        assertThat(b.waiting()).isZero();
    }

    @Test
    void itemsArrivingWhileEverySlotIsBusyLeaveTogether() {
        NaturalBatcher<String> b = batcher(1, 10, 1000);
        b.add("first");
        for (int i = 0; i < 25; i++) {
            b.add("m" + i);
        }
        assertThat(executor.tasks).hasSize(1); // the one slot is taken by "first"
        assertThat(b.waiting()).isEqualTo(25);
        executor.runNext(); // "first" answers; the next ten leave at once
        assertThat(calls).hasSize(1);
        assertThat(executor.tasks).hasSize(1);
        executor.runNext();
        executor.runNext();
        executor.runNext();
        assertThat(calls).extracting(List::size).containsExactly(1, 10, 10, 5);
        assertThat(completed).hasSize(26).startsWith("first", "m0", "m1");
        assertThat(executor.tasks).isEmpty();
    }

    @Test
    void slotsBoundTheCallsInFlight() {
        NaturalBatcher<String> b = batcher(3, 10, 1000);
        for (int i = 0; i < 5; i++) {
            b.add("m" + i);
        }
        // three went out alone (each found a free slot); two wait for the first slot to free
        assertThat(executor.tasks).hasSize(3);
        assertThat(b.waiting()).isEqualTo(2);
        executor.runNext();
        assertThat(executor.tasks).hasSize(3);
        executor.runNext();
        executor.runNext();
        executor.runNext();
        assertThat(calls).extracting(List::size).containsExactly(1, 1, 1, 2);
    }

    @Test
    void theWeightLimitSplitsBatchesAndAHeavyItemTravelsAlone() {
        NaturalBatcher<String> b = batcher(1, 10, 10);
        b.add("x");
        b.add("aaaa");
        b.add("bbbb");
        b.add("cccc");
        b.add("heavy-item-over-the-limit");
        b.add("d");
        while (!executor.tasks.isEmpty()) {
            executor.runNext();
        }
        assertThat(calls).containsExactly(List.of("x"), List.of("aaaa", "bbbb"), List.of("cccc"),
                List.of("heavy-item-over-the-limit"), List.of("d"));
        assertThat(completed).hasSize(6);
    }

    @Test
    void takeAllEmptiesWhatIsStillWaiting() {
        NaturalBatcher<String> b = batcher(1, 10, 1000);
        b.add("out");
        b.add("w1");
        b.add("w2");
        assertThat(b.takeAll()).containsExactly("w1", "w2");
        assertThat(b.waiting()).isZero();
    }
}
