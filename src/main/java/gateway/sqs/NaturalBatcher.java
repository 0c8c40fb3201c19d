package gateway.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Groups items that arrive concurrently into batches without ever waiting for a batch to fill: an item
 * that arrives while fewer than {@code maxInFlight} batches are being sent goes out at once (alone, if it
 * is alone); items that arrive while every slot is busy queue up and leave together, up to
 * {@code maxItems} and {@code maxWeight}, as soon as a slot frees. So a single caller sees the latency of
 * one plain call, and many callers share calls: the busier it is, the fuller the batches.
 *
 * <p>{@code send} runs on {@code executor}: it makes the call for the whole batch and returns the work that
 * completes its items, which runs after the slot is given back (so the next batch is already on its way
 * while this one's callers are answered). Neither may throw.
 */
public final class NaturalBatcher<T> {

    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger free;
    private final int maxItems;
    private final int maxWeight;
    private final ToIntFunction<T> weight;
    private final Function<List<T>, Runnable> send;
    private final Executor executor;

    public NaturalBatcher(int maxInFlight, int maxItems, int maxWeight, ToIntFunction<T> weight,
            Function<List<T>, Runnable> send, Executor executor) {
        if (maxInFlight < 1 || maxItems < 1) {
            throw new IllegalArgumentException("maxInFlight and maxItems must be at least 1");
        }
        this.free = new AtomicInteger(maxInFlight);
        this.maxItems = maxItems;
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.send = send;
        this.executor = executor;
    }

    /** Queues the item; it is sent in the next batch a free slot takes. */
    public void add(T item) {
        pending.add(item);
        drain();
    }

    /** Removes and returns every item still waiting (on stop, to fail them). */
    public List<T> takeAll() {
        List<T> all = new ArrayList<>();
        T next;
        while ((next = pending.poll()) != null) {
            all.add(next);
        }
        return all;
    }

    /** Items waiting for a slot (not those being sent). */
    public int waiting() {
        return pending.size();
    }

    private void drain() {
        while (!pending.isEmpty() && takeSlot()) {
            List<T> batch = takeBatch();
            if (batch.isEmpty()) {
                free.incrementAndGet(); // another thread took them; look again (an item may have come since)
                continue;
            }
            try {
                executor.execute(() -> run(batch));
            } catch (RuntimeException rejected) {
                free.incrementAndGet();
                throw rejected;
            }
        }
    }

    private void run(List<T> batch) {
        Runnable complete;
        try {
            complete = send.apply(batch);
        } finally {
            free.incrementAndGet();
            try {
                drain(); // what queued up while this batch was out leaves now
            } catch (RuntimeException rejected) {
                // the executor is shutting down: whoever stops it fails what is still waiting (takeAll)
            }
        }
        complete.run();
    }

    private boolean takeSlot() {
        int now;
        do {
            now = free.get();
            if (now == 0) {
                return false;
            }
        } while (!free.compareAndSet(now, now - 1));
        return true;
    }

    private List<T> takeBatch() {
        List<T> batch = new ArrayList<>(Math.min(maxItems, 16));
        int total = 0;
        T next;
        while (batch.size() < maxItems && (next = pending.peek()) != null) {
            int w = weight.applyAsInt(next);
            if (!batch.isEmpty() && total + w > maxWeight) {
                break; // it starts the next batch
            }
            if (pending.remove(next)) {
                batch.add(next);
                total += w;
            }
        }
        return batch;
    }
}
