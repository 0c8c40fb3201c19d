package gateway.agent;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts agent calls in flight and remembers the highest count seen (for metrics and benchmarks). */
public final class InFlightGauge {

    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public void increment() {
        int now = current.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    public void decrement() {
        current.decrementAndGet();
    }

    public int current() {
        return current.get();
    }

    public int peak() {
        return peak.get();
    }

    /** Sets the peak back to the current value (between benchmark runs). */
    public void resetPeak() {
        peak.set(current.get());
    }
}
