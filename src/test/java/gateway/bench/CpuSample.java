package gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the whole machine ({@code /proc/stat}, Linux only) and of this JVM, so a report can say
 * how busy the machine was during a run and how much of that was not this benchmark (other load).
 */
record CpuSample(long nanoTime, long machineBusyJiffies, long machineTotalJiffies, long processCpuNanos) {

    /** Fractions of all cores during an interval; machine values are NaN where /proc/stat is missing. */
    record Usage(double machine, double thisJvm) {
        Usage {
            machine = round(machine);
            thisJvm = round(thisJvm);
        }

        double other() {
            return Double.isNaN(machine) ? Double.NaN : Math.max(0, machine - thisJvm);
        }
    }

    static CpuSample now() {
        long busy = -1;
        long total = -1;
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            busy = total - Long.parseLong(fields[4]) - Long.parseLong(fields[5]);
        } catch (IOException | RuntimeException e) {
            // not Linux: machine figures unknown
        }
        long process = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            process = os.getProcessCpuTime();
        }
        return new CpuSample(System.nanoTime(), busy, total, process);
    }

    Usage since(CpuSample before) {
        double machine = Double.NaN;
        if (machineTotalJiffies > before.machineTotalJiffies && before.machineTotalJiffies >= 0) {
            machine = (double) (machineBusyJiffies - before.machineBusyJiffies)
                    / (machineTotalJiffies - before.machineTotalJiffies);
        }
        double jvm = Double.NaN;
        if (processCpuNanos >= 0 && before.processCpuNanos >= 0) {
            jvm = (double) (processCpuNanos - before.processCpuNanos)
                    / ((nanoTime - before.nanoTime) * (double) Runtime.getRuntime().availableProcessors());
        }
        return new Usage(machine, jvm);
    }

    private static double round(double fraction) {
        return Double.isNaN(fraction) ? fraction : Math.round(fraction * 1000) / 1000.0;
    }
}
