package gateway.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Runs a warm-up step again and again until the JIT has settled: until the compiler's time during one
 * step is under {@code share} of the step's wall time (or {@code max} has passed). A benchmark measured
 * while C2 still compiles hot paths (seen: 60 % of a core, a minute after start) mostly measures the
 * compiler, and weighs on whichever scenario runs first.
 */
final class JitWarmup {

    private JitWarmup() {
    }

    /** Returns the seconds spent warming up. */
    static double untilSettled(ThrowingRunnable step, double share, Duration max) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        while (true) {
            long compileBefore = jit.getTotalCompilationTime();
            long stepStart = System.nanoTime();
            step.run();
            double wallMs = (System.nanoTime() - stepStart) / 1e6;
            double compileMs = jit.getTotalCompilationTime() - compileBefore;
            if (compileMs < share * wallMs || System.nanoTime() > deadline) {
                return (System.nanoTime() - start) / 1e9;
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
