package gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.bench.ClosedLoopLoad.Result;
import gateway.json.Json;

/**
 * The intake benchmark's figures: a readable table and {@code intake.json}, with the ratios. And what every
 * benchmark's report starts with ({@link #jsonHeader}) and how it is written ({@link #writeFiles}).
 */
final class BenchmarkReport {

    /** The goal: at this many clients the gateway reaches this share of the SQS baseline ... */
    static final int GOAL_CLIENTS = 32;
    static final double GOAL_MIN_RATIO = 0.8;
    /** ... with its p99 under this. */
    static final double GOAL_MAX_P99_MS = 25.0;

    /**
     * The scenarios measured at one concurrency: the gateway, (a) bare SendMessage, (b) no-op HTTP route, and
     * (c) the calls the intake makes, made bare: SendMessage plus the tracking record's PutObject.
     */
    record Level(int clients, Result gateway, Result sqs, Result noop, Result sqsRecord) {
        double rpsRatioSqs() {
            return ratio(gateway.rps(), sqs.rps());
        }

        double rpsRatioSqsRecord() {
            return ratio(gateway.rps(), sqsRecord.rps());
        }

        double rpsRatioNoop() {
            return ratio(gateway.rps(), noop.rps());
        }

        double p99RatioSqs() {
            return ratio(gateway.p99Ms(), sqs.p99Ms());
        }
    }

    private final List<Level> levels = new ArrayList<>();
    private final Duration warmup;
    private final Duration window;
    private final Instant started = Instant.now();
    private final double loadAverageAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

    private final java.util.Map<String, String> overrides;

    private final int rounds;

    BenchmarkReport(Duration warmup, Duration window, int rounds, java.util.Map<String, String> overrides) {
        this.rounds = rounds;
        this.overrides = overrides;
        this.warmup = warmup;
        this.window = window;
    }

    void add(Level level) {
        levels.add(level);
    }

    List<Level> levels() {
        return levels;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Intake benchmark: POST /webhook vs (a) bare SQS SendMessage, (b) no-op HTTP route,"
                + " (c) sqs+record: bare SendMessage + the tracking record's PutObject; closed loop,%n"
                + "%.1f s warm-up + %.1f s measured per scenario and level, in %d interleaved slices; %d cores%n",
                warmup.toMillis() / 1000.0, window.toMillis() / 1000.0, rounds,
                Runtime.getRuntime().availableProcessors()));
        if (!overrides.isEmpty()) {
            out.append("app property overrides: ").append(overrides).append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, "%7s | %-10s %9s %8s %8s %8s | %5s | %-9s | %s%n",
                "clients", "scenario", "req/s", "p50 ms", "p99 ms", "max ms", "fail", "cpu m/jvm", "jvm cpu ms/req"));
        for (Level level : levels) {
            for (Result r : List.of(level.gateway(), level.sqs(), level.noop(), level.sqsRecord())) {
                out.append(String.format(Locale.ROOT, "%7d | %-10s %9.0f %8.2f %8.2f %8.1f | %5d | %.2f/%.2f | %.2f%n",
                        r.clients(), r.scenario(), r.rps(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.failures(),
                        r.cpu().machine(), r.cpu().thisJvm(), cpuMsPerRequest(r)));
            }
            out.append(String.format(Locale.ROOT, "%7s | gateway/sqs rps %.2f, gateway/noop rps %.2f, gateway/sqs p99 %.2f,"
                    + " gateway/sqs+record rps %.2f%n",
                    "", level.rpsRatioSqs(), level.rpsRatioNoop(), level.p99RatioSqs(), level.rpsRatioSqsRecord()));
        }
        goalLevel().ifPresent(level -> out.append(String.format(Locale.ROOT,
                "Goal at %d clients: gateway/sqs rps %.2f (>= %.1f) and p99 %.2f ms (< %.0f ms): %s%n",
                GOAL_CLIENTS, level.rpsRatioSqs(), GOAL_MIN_RATIO, level.gateway().p99Ms(), GOAL_MAX_P99_MS,
                goalMet(level) ? "MET" : "NOT MET")));
        out.append(String.format(Locale.ROOT, "cpu m/jvm: share of all cores busy on the machine / used by this JVM;"
                + " load average %.2f at start, %.2f at end;%n"
                + "jvm cpu ms/req: CPU of this JVM (app + ElasticMQ + load driver) per answered request%n", loadAverageAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return out.toString();
    }

    ObjectNode json() {
        ObjectNode root = Json.object();
        root.put("benchmark", "intake");
        root.put("started", started.toString());
        root.put("finished", Instant.now().toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("load_average_at_start", loadAverageAtStart);
        machine.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ObjectNode settings = root.putObject("settings");
        settings.put("warmup_seconds", warmup.toMillis() / 1000.0);
        settings.put("measured_seconds_per_scenario_and_level", window.toMillis() / 1000.0);
        settings.put("interleaved_slices", rounds);
        overrides.forEach(settings.putObject("app_overrides")::put);
        settings.put("model", "closed loop: each client sends, waits for the answer, sends again");
        ArrayNode levelsNode = root.putArray("levels");
        for (Level level : levels) {
            ObjectNode node = levelsNode.addObject();
            node.put("clients", level.clients());
            node.set("gateway", result(level.gateway()));
            node.set("sqs_baseline", result(level.sqs()));
            node.set("noop_baseline", result(level.noop()));
            node.set("sqs_record_baseline", result(level.sqsRecord()));
            ObjectNode ratios = node.putObject("ratios");
            putFraction(ratios, "gateway_rps_over_sqs_rps", level.rpsRatioSqs());
            putFraction(ratios, "gateway_rps_over_noop_rps", level.rpsRatioNoop());
            putFraction(ratios, "gateway_rps_over_sqs_record_rps", level.rpsRatioSqsRecord());
            putFraction(ratios, "gateway_p99_over_sqs_p99", level.p99RatioSqs());
            putFraction(ratios, "gateway_cpu_per_request_over_sqs", ratio(cpuMsPerRequest(level.gateway()), cpuMsPerRequest(level.sqs())));
            putFraction(ratios, "gateway_p50_over_sqs_p50", ratio(level.gateway().p50Ms(), level.sqs().p50Ms()));
        }
        goalLevel().ifPresent(level -> {
            ObjectNode goal = root.putObject("goal");
            goal.put("clients", GOAL_CLIENTS);
            goal.put("min_gateway_rps_over_sqs_rps", GOAL_MIN_RATIO);
            goal.put("max_gateway_p99_ms", GOAL_MAX_P99_MS);
            goal.put("gateway_rps_over_sqs_rps", round(level.rpsRatioSqs()));
            goal.put("gateway_p99_ms", level.gateway().p99Ms());
            goal.put("met", goalMet(level));
        });
        return root;
    }

    void write(Path dir) throws IOException {
        writeFiles(dir, "intake", json(), table());
    }

    /**
     * The start of a benchmark's JSON: its name, when it finished and the machine it ran on (cores, Java, the
     * load average at the start and now).
     */
    static ObjectNode jsonHeader(String benchmark, double loadAverageAtStart) {
        ObjectNode root = Json.object();
        root.put("benchmark", benchmark);
        root.put("finished", Instant.now().toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("load_average_at_start", loadAverageAtStart);
        machine.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return root;
    }

    /** Writes {@code <name>.json} (pretty-printed) and {@code <name>.txt} (the table) into {@code dir}. */
    static void writeFiles(Path dir, String name, ObjectNode json, String table) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".txt"), table, StandardCharsets.UTF_8);
    }

    private java.util.Optional<Level> goalLevel() {
        return levels.stream().filter(l -> l.clients() == GOAL_CLIENTS).findFirst();
    }

    private static boolean goalMet(Level level) {
        return level.rpsRatioSqs() >= GOAL_MIN_RATIO && level.gateway().p99Ms() < GOAL_MAX_P99_MS;
    }

    private static ObjectNode result(Result r) {
        ObjectNode node = Json.object();
        node.put("requests", r.requests());
        node.put("failures", r.failures());
        node.put("seconds", round(r.seconds()));
        node.put("rps", round(r.rps()));
        node.put("p50_ms", r.p50Ms());
        node.put("p90_ms", r.p90Ms());
        node.put("p99_ms", r.p99Ms());
        node.put("max_ms", r.maxMs());
        putFraction(node, "cpu_machine", r.cpu().machine());
        putFraction(node, "cpu_this_jvm", r.cpu().thisJvm());
        putFraction(node, "cpu_other", r.cpu().other());
        putFraction(node, "jvm_cpu_ms_per_request", cpuMsPerRequest(r));
        if (r.firstFailure() != null) {
            node.put("first_failure", r.firstFailure());
        }
        return node;
    }

    /** CPU time this JVM (app, ElasticMQ and load driver together) spent per answered request. */
    static double cpuMsPerRequest(Result r) {
        return r.requests() == 0 ? Double.NaN
                : r.cpu().thisJvm() * Runtime.getRuntime().availableProcessors() * r.seconds() * 1000 / r.requests();
    }

    /** JSON has no NaN: an unknown figure is null. */
    private static void putFraction(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, round(value));
        }
    }

    static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 1000) / 1000.0;
    }
}
