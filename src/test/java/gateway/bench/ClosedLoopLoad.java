package gateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop load driver: {@code clients} threads each make a call, wait for its answer and make the
 * next, first for a warm-up (not recorded), then for a measured window. Bounded in time (warm-up plus
 * window, and every call has its own timeout in the caller's client) and in count ({@code maxRequests}
 * measured calls). Latency of every measured call goes into an HdrHistogram (one per thread, merged).
 */
public final class ClosedLoopLoad {

    /** One call of the system under test; {@code true} when it got the expected answer. */
    @FunctionalInterface
    public interface Call {
        boolean call() throws Exception;
    }

    /** What one run (or several merged) measured. Latencies in milliseconds. */
    public record Result(String scenario, int clients, long requests, long failures, long totalSucceeded,
                         double seconds, double rps, double p50Ms, double p90Ms, double p99Ms, double maxMs,
                         String firstFailure, CpuSample.Usage cpu, Histogram histogram) {

        /** Both runs as one: requests and seconds added, latencies merged, CPU shares time-weighted. */
        public Result merge(Result other) {
            Histogram all = histogram.copy();
            all.add(other.histogram);
            double secs = seconds + other.seconds;
            long reqs = requests + other.requests;
            CpuSample.Usage mergedCpu = new CpuSample.Usage(
                    (cpu.machine() * seconds + other.cpu.machine() * other.seconds) / secs,
                    (cpu.thisJvm() * seconds + other.cpu.thisJvm() * other.seconds) / secs);
            return of(scenario, clients, reqs, failures + other.failures, totalSucceeded + other.totalSucceeded, secs,
                    firstFailure != null ? firstFailure : other.firstFailure, mergedCpu, all);
        }

        static Result of(String scenario, int clients, long requests, long failures, long succeeded, double seconds,
                         String firstFailure, CpuSample.Usage cpu, Histogram h) {
            return new Result(scenario, clients, requests, failures, succeeded, seconds, requests / seconds,
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()), firstFailure, cpu, h);
        }
    }

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(120);

    private ClosedLoopLoad() {
    }

    public static Result run(String scenario, int clients, Duration warmup, Duration window, long maxRequests,
                             Call call) throws InterruptedException {
        AtomicLong measureStart = new AtomicLong(Long.MAX_VALUE); // nanoTime; calls starting at/after it count
        AtomicLong measureEnd = new AtomicLong(Long.MAX_VALUE);   // nanoTime; no call starts at/after it
        AtomicLong measured = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong succeeded = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
            histograms.add(histogram);
            Thread thread = new Thread(() -> {
                while (true) {
                    long start = System.nanoTime();
                    if (start >= measureEnd.get()) {
                        return;
                    }
                    boolean ok;
                    String failure = null;
                    try {
                        ok = call.call();
                        if (!ok) {
                            failure = "unexpected answer";
                        }
                    } catch (Exception e) {
                        ok = false;
                        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    long end = System.nanoTime();
                    if (ok) {
                        succeeded.incrementAndGet();
                    } else {
                        firstFailure.compareAndSet(null, failure);
                    }
                    if (start >= measureStart.get()) {
                        histogram.recordValue(Math.min(end - start, HIGHEST_TRACKABLE_NANOS));
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                        if (measured.incrementAndGet() >= maxRequests) {
                            measureEnd.compareAndSet(Long.MAX_VALUE, System.nanoTime());
                        }
                    }
                }
            }, "bench-" + scenario + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Thread.sleep(warmup.toMillis());
        CpuSample cpuBefore = CpuSample.now();
        long begin = System.nanoTime();
        measureStart.set(begin);
        long deadline = begin + window.toNanos();
        while (System.nanoTime() < deadline && measureEnd.get() == Long.MAX_VALUE) {
            Thread.sleep(10);
        }
        measureEnd.compareAndSet(Long.MAX_VALUE, System.nanoTime());
        long end = measureEnd.get();
        CpuSample.Usage cpu = CpuSample.now().since(cpuBefore);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " still waiting for an answer after 60 s");
            }
        }
        Histogram all = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        histograms.forEach(all::add);
        double seconds = (end - begin) / 1e9;
        return Result.of(scenario, clients, measured.get(), failures.get(), succeeded.get(), seconds, firstFailure.get(),
                cpu, all);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
