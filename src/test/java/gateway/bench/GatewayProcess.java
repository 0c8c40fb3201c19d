package gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as {@code java -Xmx.. -jar target/ai-webhook-gateway.jar} in a child process, so its heap and
 * RSS are its own: started with environment settings, output to a log file, read through its management port
 * ({@code /observe/health/ready}, {@code /observe/metrics}), {@code /proc/<pid>/status} and {@code jcmd}.
 */
final class GatewayProcess implements AutoCloseable {

    /**
     * Memory of the process from {@code /proc/<pid>/status}, in kB (-1 where unknown): resident, peak resident,
     * and the resident split into anonymous (heap, metaspace, code, stacks) and file-backed pages (mapped jars,
     * libraries, a class-data-sharing archive: pages other processes mapping the same file can share).
     */
    record Rss(long vmRssKb, long vmHwmKb, long rssAnonKb, long rssFileKb) {
    }

    /** How a {@link #stop} ended: seconds from SIGTERM to exit, the exit code, and whether it had to be killed. */
    record Stopped(double seconds, int exitCode, boolean killed) {
    }

    private final Process process;
    private final Path log;
    private final int managementPort;
    private final long launchedNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayProcess(Process process, Path log, int managementPort, long launchedNanos) {
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
        this.launchedNanos = launchedNanos;
    }

    /** The full jar {@code mvn package} builds, with the local stand-ins (or {@code -Dbench.jar=...}). */
    static Path jar() {
        return Path.of(System.getProperty("bench.jar", "target/ai-webhook-gateway.jar"));
    }

    /** The prod jar {@code mvn package} builds (or {@code -Dbench.prod-jar=...}). */
    static Path prodJar() {
        return Path.of(System.getProperty("bench.prod-jar", "target/ai-webhook-gateway-prod.jar"));
    }

    /** The {@code java} of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static GatewayProcess start(Path jar, String maxHeap, Map<String, String> env, int managementPort, Path log)
            throws IOException {
        return start(List.of(java(), "-Xmx" + maxHeap, "-jar", jar.toAbsolutePath().toString()), env, managementPort, log);
    }

    /** Starts {@code command} (a {@code java ...} line whose app listens on {@code managementPort}) with {@code env} added. */
    static GatewayProcess start(List<String> command, Map<String, String> env, int managementPort, Path log)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        long launched = System.nanoTime();
        return new GatewayProcess(builder.start(), log, managementPort, launched);
    }

    /** Seconds since the process was launched (just before {@code ProcessBuilder.start}). */
    double secondsSinceLaunch() {
        return (System.nanoTime() - launchedNanos) / 1e9;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Waits until the readiness check answers 200; fails with the log's tail if the process dies or is late. */
    void awaitReady(Duration timeout) throws Exception {
        awaitReady(timeout, Duration.ofMillis(250));
    }

    /** {@link #awaitReady(Duration)}, asking every {@code pollEvery}. */
    void awaitReady(Duration timeout, Duration pollEvery) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + ":\n" + logTail(40));
            }
            try {
                if (get("/observe/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(pollEvery.toMillis());
        }
        throw new IllegalStateException("the gateway was not ready within " + timeout + ":\n" + logTail(40));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Prometheus text of {@code /observe/metrics}, or "" when it cannot be read. */
    String metrics() {
        try {
            HttpResponse<String> response = get("/observe/metrics");
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * The sum of a Prometheus metric's samples whose labels contain every one of {@code labelParts}
     * (e.g. {@code area="heap"}), or NaN when no sample matches.
     */
    static double sum(String metrics, String name, String... labelParts) {
        double total = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            String labels = "";
            if (rest.startsWith("{")) {
                int close = rest.indexOf('}');
                labels = rest.substring(1, close);
                rest = rest.substring(close + 1);
            } else if (!rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            boolean match = true;
            for (String part : labelParts) {
                match &= labels.contains(part);
            }
            if (!match) {
                continue;
            }
            String[] fields = rest.trim().split("\\s+");
            try {
                total += Double.parseDouble(fields[0]);
                found = true;
            } catch (NumberFormatException ignored) {
                // NaN or malformed sample
            }
        }
        return found ? total : Double.NaN;
    }

    /** VmRSS, VmHWM (peak RSS), RssAnon and RssFile from {@code /proc/<pid>/status} (Linux). */
    Rss rss() {
        long rss = -1;
        long hwm = -1;
        long anon = -1;
        long file = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kb(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kb(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return new Rss(rss, hwm, anon, file);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Runs {@code jcmd <pid> <command>} (e.g. {@code GC.run}); its output, or null when jcmd is not there. */
    String jcmd(String... command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Lines of the log containing {@code text}. */
    long logCount(String text) {
        try (var stream = Files.lines(log, StandardCharsets.UTF_8)) {
            return stream.filter(l -> l.contains(text)).count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Waits up to {@code timeout} for the process to exit by itself; whether it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code, -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGTERM (graceful shutdown), then SIGKILL after {@code grace}; any process it started itself (e.g. the JVM
     * a Java 25 AOT training run forks to write its cache) is killed too if still there.
     */
    Stopped stop(Duration grace) throws InterruptedException {
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        long sent = System.nanoTime();
        process.destroy();
        boolean exited = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        double seconds = (System.nanoTime() - sent) / 1e9;
        if (!exited) {
            descendants.addAll(process.descendants().toList());
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        return new Stopped(seconds, process.isAlive() ? -1 : process.exitValue(), !exited);
    }

    /** SIGTERM (graceful shutdown), then kill after 45 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(45));
        }
    }
}
