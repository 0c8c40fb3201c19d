package gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up benchmark's settings ({@code -D} on the Maven command line; docs/benchmark.md lists them).
 *
 * @param runs             measured launches per scenario ({@code bench.startup.runs}, 5)
 * @param scenarios        scenario names, in the order of the first round ({@code bench.startup.scenarios})
 * @param jdk25            the Java 25 home of the {@code -jdk25} scenarios ({@code bench.startup.jdk25})
 * @param sqsWaitSeconds   {@code SQS_WAIT_TIME_SECONDS} for the gateway children, blank = not overridden, the
 *                         shipped default ({@code bench.startup.sqs.wait.seconds})
 * @param heap             {@code -Xmx} of every child ({@code bench.startup.heap}, 512m)
 * @param jvmArgs          more JVM options for every child ({@code bench.startup.jvm.args}, space-separated)
 * @param gatewayEnv       more environment for the gateway children ({@code bench.startup.env.<NAME>=<value>})
 * @param readyTimeout     a launch not ready by then fails ({@code bench.startup.ready.timeout.seconds}, 120)
 * @param pollEvery        how often the readiness endpoint is asked ({@code bench.startup.poll.ms}, 20)
 * @param stopGrace        SIGTERM, then SIGKILL after this ({@code bench.startup.stop.seconds}, 45)
 * @param trainingGrace    the same for a training run, which writes its archive at exit
 *                         ({@code bench.startup.training.stop.seconds}, 240)
 * @param output           where figures, logs and archives go ({@code bench.output}/startup)
 * @param retries          launches made again when a child was stopped from outside before ready
 *                         ({@code bench.startup.retries}, 3)
 */
record StartupSettings(int runs, List<String> scenarios, Path jdk25, String sqsWaitSeconds, String heap,
                       List<String> jvmArgs, Map<String, String> gatewayEnv, Duration readyTimeout, Duration pollEvery,
                       Duration stopGrace, Duration trainingGrace, Path output, int retries) {

    static final String DEFAULT_SCENARIOS = "bare,prod,local,prod+cds,prod+cds-image,prod-jdk25,prod-jdk25+aot";
    static final String ENV_PREFIX = "bench.startup.env.";

    static StartupSettings fromSystemProperties() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(ENV_PREFIX)).sorted()
                .forEach(k -> env.put(k.substring(ENV_PREFIX.length()), System.getProperty(k)));
        return new StartupSettings(
                Integer.getInteger("bench.startup.runs", 5),
                split(System.getProperty("bench.startup.scenarios", DEFAULT_SCENARIOS), ","),
                Path.of(System.getProperty("bench.startup.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64")),
                System.getProperty("bench.startup.sqs.wait.seconds", "").trim(),
                System.getProperty("bench.startup.heap", "512m"),
                split(System.getProperty("bench.startup.jvm.args", ""), " "),
                env,
                Duration.ofSeconds(Long.getLong("bench.startup.ready.timeout.seconds", 120)),
                Duration.ofMillis(Long.getLong("bench.startup.poll.ms", 20)),
                Duration.ofSeconds(Long.getLong("bench.startup.stop.seconds", 45)),
                Duration.ofSeconds(Long.getLong("bench.startup.training.stop.seconds", 240)),
                Path.of(System.getProperty("bench.output", "target/benchmark")),
                Integer.getInteger("bench.startup.retries", 3));
    }

    /** The {@code java} of the Java 25 home, or null when there is none. */
    String jdk25Java() {
        Path java = jdk25.resolve("bin").resolve("java");
        return Files.isExecutable(java) ? java.toString() : null;
    }

    /** The environment every gateway child gets on top of its profile's: the SQS wait if overridden, then the extras. */
    Map<String, String> gatewayOverrides() {
        Map<String, String> env = new LinkedHashMap<>();
        if (!sqsWaitSeconds.isEmpty()) {
            env.put("SQS_WAIT_TIME_SECONDS", sqsWaitSeconds);
        }
        env.putAll(gatewayEnv);
        return env;
    }

    private static List<String> split(String value, String separator) {
        return Arrays.stream(value.split(separator)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
