package gateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The start-up benchmark's figures: per scenario the median and minimum of launch → ready and of RSS at ready,
 * each scenario's ratio to the baseline ({@code bare}) and an archive scenario's to the same without the archive;
 * a table ({@code startup.txt}) and {@code startup.json}.
 */
final class StartupReport {

    static final String BASELINE = "bare";

    /** A training run: launch to Camel's "started" line, launch to exit (archive written), the archive's size. */
    record Training(String scenario, String kind, double startedSeconds, double exitSeconds, double archiveMib) {
    }

    private final StartupSettings settings;
    private final List<StartupScenario> scenarios;
    private final double loadAverageAtStart;
    private final List<StartupLaunch> launches = new ArrayList<>();
    private final Map<String, Training> trainings = new LinkedHashMap<>();
    private final List<String> retries = new ArrayList<>();

    StartupReport(StartupSettings settings, List<StartupScenario> scenarios, double loadAverageAtStart) {
        this.settings = settings;
        this.scenarios = scenarios;
        this.loadAverageAtStart = loadAverageAtStart;
    }

    void add(StartupLaunch launch) {
        launches.add(launch);
    }

    void add(Training training) {
        trainings.put(training.scenario(), training);
    }

    /** A launch that ended before ready, not by the benchmark, and was made again. */
    void retried(String scenario, int round, String why) {
        retries.add(scenario + " round " + round + ": " + why);
    }

    List<StartupLaunch> launches(String scenario) {
        return launches.stream().filter(l -> l.scenario().equals(scenario)).toList();
    }

    double median(String scenario, ToDoubleFunction<StartupLaunch> figure) {
        double[] values = launches(scenario).stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    double min(String scenario, ToDoubleFunction<StartupLaunch> figure) {
        return launches(scenario).stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    }

    /** {@code scenario}'s median over {@code other}'s, of launch → ready and of RSS. */
    double[] ratios(String scenario, String other) {
        return new double[] {
                BenchmarkReport.ratio(median(scenario, StartupLaunch::readySeconds), median(other, StartupLaunch::readySeconds)),
                BenchmarkReport.ratio(median(scenario, StartupLaunch::rssMib), median(other, StartupLaunch::rssMib))};
    }

    private boolean hasBaseline() {
        return scenarios.stream().anyMatch(s -> s.name().equals(BASELINE));
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Start-up: launch -> first 200 of GET /observe/health/ready, and VmRSS then;"
                + " %d runs per scenario, scenarios alternating; %d cores%n", settings.runs(),
                Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "every child: -Xmx%s%s; gateway SQS_WAIT_TIME_SECONDS: %s%s%n", settings.heap(),
                settings.jvmArgs().isEmpty() ? "" : " " + String.join(" ", settings.jvmArgs()),
                settings.sqsWaitSeconds().isEmpty() ? "not overridden (shipped default)"
                        : settings.sqsWaitSeconds() + " (bench.startup.sqs.wait.seconds)",
                settings.gatewayEnv().isEmpty() ? "" : "; more env " + settings.gatewayEnv()));
        out.append(String.format(Locale.ROOT, "%-15s %4s | %7s %6s | %9s | %7s %6s | %5s %5s | %6s | %5s %5s | %s%n",
                "scenario", "java", "ready s", "min", "started s", "rss MiB", "min", "anon", "file", "stop s",
                "/bare", "rss", "ok"));
        for (StartupScenario scenario : scenarios) {
            String name = scenario.name();
            double[] vsBare = hasBaseline() ? ratios(name, BASELINE) : new double[] {Double.NaN, Double.NaN};
            List<StartupLaunch> own = launches(name);
            long ok = own.stream().filter(l -> !l.stopped().killed()).count();
            out.append(String.format(Locale.ROOT, "%-15s %4s | %7.2f %6.2f | %9.2f | %7.1f %6.1f | %5.0f %5.0f | %6.2f | %5.2f %5.2f | %d/%d%n",
                    name, scenario.javaLabel(), median(name, StartupLaunch::readySeconds), min(name, StartupLaunch::readySeconds),
                    median(name, StartupLaunch::startedSeconds), median(name, StartupLaunch::rssMib),
                    min(name, StartupLaunch::rssMib), median(name, StartupLaunch::rssAnonMib),
                    median(name, StartupLaunch::rssFileMib), median(name, l -> l.stopped().seconds()),
                    vsBare[0], vsBare[1], ok, settings.runs()));
        }
        if (hasBaseline()) {
            for (String[] pair : new String[][] {{"prod", "(a) prod / (c) bare"}, {"local", "(b) local / (c) bare"}}) {
                if (scenarios.stream().anyMatch(s -> s.name().equals(pair[0]))) {
                    double[] r = ratios(pair[0], BASELINE);
                    out.append(String.format(Locale.ROOT, "%s: ready x%.2f, rss x%.2f%n", pair[1], r[0], r[1]));
                }
            }
        }
        for (StartupScenario scenario : scenarios) {
            if (scenario.comparedTo() != null && scenarios.stream().anyMatch(s -> s.name().equals(scenario.comparedTo()))) {
                double[] r = ratios(scenario.name(), scenario.comparedTo());
                Training t = trainings.get(scenario.name());
                out.append(String.format(Locale.ROOT, "%s / %s: ready x%.2f, rss x%.2f (%s, %.0f MiB; training run: Camel started"
                        + " after %.1f s, archive written at exit after %.1f s)%n", scenario.name(), scenario.comparedTo(),
                        r[0], r[1], scenario.archive().kind(), t == null ? Double.NaN : t.archiveMib(),
                        t == null ? Double.NaN : t.startedSeconds(), t == null ? Double.NaN : t.exitSeconds()));
            }
        }
        retries.forEach(r -> out.append("retried (ended before ready, not by the benchmark): ").append(r)
                .append(System.lineSeparator()));
        out.append(String.format(Locale.ROOT, "ready: launch to the first 200 (median, min); started: launch to Camel's \"started in\""
                + " log line; rss: VmRSS at ready (anon/file: RssAnon/RssFile);%n"
                + "stop: SIGTERM to exit; /bare: median over the baseline's; ok: ready and exited on SIGTERM;"
                + " load average %.2f at start, %.2f now%n", loadAverageAtStart,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return out.toString();
    }

    ObjectNode json() {
        ObjectNode root = BenchmarkReport.jsonHeader("startup", loadAverageAtStart);
        ObjectNode s = root.putObject("settings");
        s.put("runs", settings.runs());
        s.put("heap", settings.heap());
        s.put("jvm_args", String.join(" ", settings.jvmArgs()));
        if (settings.sqsWaitSeconds().isEmpty()) {
            s.putNull("sqs_wait_time_seconds");
        } else {
            s.put("sqs_wait_time_seconds", settings.sqsWaitSeconds());
        }
        settings.gatewayEnv().forEach(s.putObject("gateway_env")::put);
        s.put("ready_poll_ms", settings.pollEvery().toMillis());
        retries.forEach(root.putArray("retried_launches")::add);
        ArrayNode list = root.putArray("scenarios");
        for (StartupScenario scenario : scenarios) {
            String name = scenario.name();
            ObjectNode node = list.addObject();
            node.put("name", name);
            node.put("app", scenario.app().name().toLowerCase(Locale.ROOT));
            node.put("java", scenario.java());
            node.put("java_version", scenario.javaLabel());
            if (scenario.archive() != null) {
                node.put("archive", scenario.archive().kind());
                Training t = trainings.get(name);
                if (t != null) {
                    ObjectNode training = node.putObject("training");
                    training.put("run", scenario.archive().run().name().toLowerCase(Locale.ROOT));
                    put(training, "camel_started_seconds", t.startedSeconds());
                    put(training, "exited_seconds", t.exitSeconds());
                    put(training, "archive_mib", t.archiveMib());
                }
            }
            put(node, "ready_seconds_median", median(name, StartupLaunch::readySeconds));
            put(node, "ready_seconds_min", min(name, StartupLaunch::readySeconds));
            put(node, "camel_started_seconds_median", median(name, StartupLaunch::startedSeconds));
            put(node, "rss_mib_median", median(name, StartupLaunch::rssMib));
            put(node, "rss_mib_min", min(name, StartupLaunch::rssMib));
            put(node, "rss_anon_mib_median", median(name, StartupLaunch::rssAnonMib));
            put(node, "rss_file_mib_median", median(name, StartupLaunch::rssFileMib));
            put(node, "stop_seconds_median", median(name, l -> l.stopped().seconds()));
            if (hasBaseline()) {
                double[] r = ratios(name, BASELINE);
                put(node, "ready_over_bare", r[0]);
                put(node, "rss_over_bare", r[1]);
            }
            if (scenario.comparedTo() != null) {
                double[] r = ratios(name, scenario.comparedTo());
                node.put("compared_to", scenario.comparedTo());
                put(node, "ready_over_compared", r[0]);
                put(node, "rss_over_compared", r[1]);
            }
            ArrayNode runs = node.putArray("launches");
            for (StartupLaunch l : launches(name)) {
                ObjectNode run = runs.addObject();
                run.put("round", l.round());
                put(run, "ready_seconds", l.readySeconds());
                put(run, "camel_started_seconds", l.startedSeconds());
                put(run, "rss_mib", l.rssMib());
                put(run, "rss_anon_mib", l.rssAnonMib());
                put(run, "rss_file_mib", l.rssFileMib());
                put(run, "hwm_mib", l.rss().vmHwmKb() * StartupLaunch.MIB_PER_KB);
                put(run, "stop_seconds", l.stopped().seconds());
                run.put("exit_code", l.stopped().exitCode());
                run.put("killed", l.stopped().killed());
            }
        }
        return root;
    }

    void write(Path dir) throws IOException {
        BenchmarkReport.writeFiles(dir, "startup", json(), table());
    }

    private static void put(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, Math.round(value * 1000) / 1000.0);
        }
    }
}
