package gateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import gateway.delivery.WebhookSigner;
import gateway.local.EmbeddedSqsServer;
import gateway.local.QueueProvisioner;
import gateway.testing.ChildGatewayEnv;
import gateway.testing.ChildGatewayEnv.ProdDependencies;
import gateway.testing.EmbeddedS3;
import gateway.testing.GatewayTestApp;
import gateway.testing.LocalAws;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up ({@code mvn -B -Pbenchmark verify -Dtest=StartupBenchmarkTest}, see docs/benchmark.md): launch →
 * ready (the first 200 of the management port's {@code GET /observe/health/ready}) and the process's RSS at that
 * moment, for (a) the prod jar in its prod profile against ElasticMQ and S3Proxy run by this JVM, queues,
 * DLQs and bucket made beforehand, (b) the full jar in its local profile with everything embedded, (c) a bare
 * camel-main baseline ({@link StartupBaselineApp}) on the prod jar's classpath; and with a class-data archive made by a training run
 * first: AppCDS on Java 17 trained on the prod launch itself ({@code prod+cds}) or as the image build trains it
 * ({@code prod+cds-image}), the AOT cache on Java 25 ({@code prod-jdk25+aot}, next to {@code prod-jdk25} without). Each scenario is launched {@code bench.startup.runs} times, the scenarios taking
 * turns (each round starts one further along the list). Every launch is a child JVM stopped with SIGTERM (SIGKILL
 * after a bounded wait), on loopback only. Asserts only sanity: each launch became ready and exited on SIGTERM.
 */
@Tag("benchmark")
class StartupBenchmarkTest {

    static final String BUCKET = "startup-bench";
    static final String REQUESTS = "startup-requests.fifo";
    static final String DELIVERIES = "startup-deliveries";

    private final StartupSettings settings = StartupSettings.fromSystemProperties();
    private final Path dir = settings.output().resolve("startup");
    private final IntSupplier freePort = () -> {
        try {
            return GatewayTestApp.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };
    private Path jar;
    private Path prodJar;
    private Path baselineClasses;
    private ProdDependencies prod;

    @Test
    void launchToReady() throws Exception {
        jar = GatewayProcess.jar();
        prodJar = GatewayProcess.prodJar();
        Assumptions.assumeTrue(Files.isRegularFile(jar) && Files.isRegularFile(prodJar), "no " + jar + " or " + prodJar
                + ": this benchmark launches the packaged app;"
                + " run it with `mvn -B -Pbenchmark verify` (builds the jars first) or `mvn -B package -DskipTests` first");
        baselineClasses = Path.of(StartupBaselineApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(dir);
        List<StartupScenario> scenarios = new ArrayList<>();
        for (String name : settings.scenarios()) {
            StartupScenario scenario = StartupScenario.named(name, dir, settings.jdk25Java());
            if (scenario == null) {
                System.out.println("start-up scenario " + name + " left out: no Java at " + settings.jdk25());
            } else {
                scenarios.add(scenario);
            }
        }
        StartupReport report = new StartupReport(settings, scenarios,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        EmbeddedSqsServer sqs = new EmbeddedSqsServer(0);
        sqs.start();
        try (EmbeddedS3 s3 = EmbeddedS3.start(BUCKET); SqsClient sqsClient = LocalAws.sqs(sqs.endpoint())) {
            QueueProvisioner queues = new QueueProvisioner(sqsClient);
            // MAX_RECEIVE_COUNT 6: the default DELIVERY_SCHEDULE needs six receives (a start check refuses fewer)
            queues.ensureQueueWithDeadLetterQueue(REQUESTS, GatewayTestApp.dlqOf(REQUESTS), 6, 60);
            queues.ensureQueueWithDeadLetterQueue(DELIVERIES, GatewayTestApp.dlqOf(DELIVERIES), 6, 60);
            prod = new ProdDependencies(sqs.endpoint(), s3.server().endpoint(), BUCKET, REQUESTS, DELIVERIES,
                    "http://127.0.0.1:" + freePort.getAsInt(), "http://127.0.0.1:" + freePort.getAsInt() + "/webhook",
                    WebhookSigner.generateSecret());

            for (StartupScenario scenario : scenarios) {
                if (scenario.archive() != null) {
                    report.add(train(scenario));
                }
            }
            for (int round = 1; round <= settings.runs(); round++) {
                for (int i = 0; i < scenarios.size(); i++) {
                    StartupScenario scenario = scenarios.get((i + round - 1) % scenarios.size());
                    report.add(launchRetryingOutsideStops(scenario, round, report));
                }
            }
        } finally {
            sqs.stop();
            report.write(settings.output()); // what was measured, also when a launch failed
            System.out.print(report.table());
        }

        for (StartupScenario scenario : scenarios) {
            List<StartupLaunch> launches = report.launches(scenario.name());
            assertThat(launches).as(scenario.name() + ": every launch became ready").hasSize(settings.runs());
            assertThat(launches).as(scenario.name() + ": every launch exited on SIGTERM")
                    .allSatisfy(l -> assertThat(l.stopped().killed()).isFalse());
        }
    }

    /**
     * The training run of an archive scenario; the JVM writes the archive as it exits. Either the scenario's own
     * launch until ready, then SIGTERM, or the image build's ({@link #imageTrainingEnv}), which exits by itself.
     */
    private StartupReport.Training train(StartupScenario scenario) throws Exception {
        ClassArchive archive = scenario.archive();
        Files.deleteIfExists(archive.file());
        boolean imageBuild = archive.run() == ClassArchive.TrainingRun.IMAGE_BUILD;
        int httpPort = freePort.getAsInt();
        int managementPort = freePort.getAsInt();
        Path log = dir.resolve(scenario.name() + "-training.log");
        Path appLog = imageBuild ? dir.resolve(scenario.name() + "-training-prod.log") : log;
        Instant launched = Instant.now();
        GatewayProcess process = imageBuild
                ? GatewayProcess.start(imageTraining(archive), imageTrainingEnv(appLog), managementPort, log)
                : GatewayProcess.start(scenario.command(jarFor(scenario.app()), baselineClasses, settings.heap(),
                        settings.jvmArgs(), true), env(scenario.app(), httpPort, managementPort), managementPort, log);
        try {
            if (imageBuild) {
                assertThat(process.awaitExit(settings.trainingGrace()))
                        .as(scenario.name() + ": the training run stopped by itself:\n" + process.logTail(20)).isTrue();
            } else {
                process.awaitReady(settings.readyTimeout(), settings.pollEvery());
                assertThat(process.stop(settings.trainingGrace()).killed())
                        .as(scenario.name() + ": the training run exited on SIGTERM").isFalse();
            }
            double exited = process.secondsSinceLaunch();
            assertThat(archive.file()).as(scenario.name() + ": the training run wrote its archive").isNotEmptyFile();
            return new StartupReport.Training(scenario.name(), archive.kind(),
                    StartupLaunch.camelStartedSeconds(appLog, launched), exited, Files.size(archive.file()) / (1024.0 * 1024.0));
        } finally {
            if (process.isAlive()) {
                process.stop(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * The Dockerfile's AppCDS training run: {@code docker/cds-training.sh} with this benchmark's java, heap and JVM
     * options, the prod jar running its prod profile against the full jar's local stand-ins on eight free loopback
     * ports from a base, stopped by Camel itself 5 s after it started. Keep in step with the Dockerfile.
     */
    private List<String> imageTraining(ClassArchive archive) throws Exception {
        return List.of("bash", Path.of("docker", "cds-training.sh").toString(), prodJar.toAbsolutePath().toString(),
                jar.toAbsolutePath().toString(), archive.file().toAbsolutePath().toString(), Integer.toString(freePortBase(8)));
    }

    private Map<String, String> imageTrainingEnv(Path appLog) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("cds-training-tmp"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA", GatewayProcess.java());
        env.put("CDS_TRAINING_JAVA_OPTS", String.join(" ", settings.jvmArgs()) + " -Xmx" + settings.heap());
        env.put("CDS_TRAINING_LOG", appLog.toAbsolutePath().toString());
        env.put("TMPDIR", tmp.toAbsolutePath().toString());
        return env;
    }

    /** A port p such that p+1 .. p+count are free on loopback now. */
    private static int freePortBase(int count) throws Exception {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + random.nextInt(20000);
            boolean free = true;
            for (int port = base + 1; port <= base + count && free; port++) {
                try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
                        java.net.InetAddress.getLoopbackAddress())) {
                    free = socket.getLocalPort() == port;
                } catch (java.io.IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback ports in a row");
    }

    /** The jar an app runs from: the full jar for the local profile, the prod jar otherwise. */
    private Path jarFor(StartupScenario.App app) {
        return app == StartupScenario.App.LOCAL ? jar : prodJar;
    }

    /**
     * {@link #launch}, again (up to {@code bench.startup.retries} times) if the child ended before it was ready with
     * the exit code of a signal: on this shared machine local-profile children were sent SIGTERM or SIGKILL by someone else
     * during their start. The report lists every retry. A child that is late, or fails to start, fails it at once.
     */
    private StartupLaunch launchRetryingOutsideStops(StartupScenario scenario, int round, StartupReport report)
            throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return launch(scenario, round, false);
            } catch (EndedBeforeReady ended) {
                if (attempt >= settings.retries()) {
                    throw ended;
                }
                report.retried(scenario.name(), round, ended.getMessage());
                System.out.println("start-up " + scenario.name() + " round " + round + " retried: " + ended.getMessage());
            }
        }
    }

    /** A child that exited before it was ready, with a code that says it was stopped (0 after SIGTERM, 137, 143). */
    static final class EndedBeforeReady extends Exception {
        EndedBeforeReady(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One launch: started, timed to ready, its RSS read, stopped; killed in any case before this returns. */
    private StartupLaunch launch(StartupScenario scenario, int round, boolean training) throws Exception {
        int httpPort = freePort.getAsInt();
        int managementPort = freePort.getAsInt();
        Path log = dir.resolve(scenario.name() + (training ? "-training" : "-" + round) + ".log");
        List<String> command = scenario.command(jarFor(scenario.app()), baselineClasses, settings.heap(), settings.jvmArgs(), training);
        Instant launched = Instant.now();
        GatewayProcess process = GatewayProcess.start(command, env(scenario.app(), httpPort, managementPort),
                managementPort, log);
        try {
            try {
                process.awaitReady(settings.readyTimeout(), settings.pollEvery());
            } catch (IllegalStateException notReady) {
                if (!training && process.awaitExit(Duration.ZERO) && stoppedFromOutside(process.exitCode())) {
                    throw new EndedBeforeReady("exited with " + process.exitCode() + " before ready, after "
                            + String.format(java.util.Locale.ROOT, "%.1f s", process.secondsSinceLaunch())
                            + " (log " + log.getFileName() + ")", notReady);
                }
                throw notReady;
            }
            double ready = process.secondsSinceLaunch();
            GatewayProcess.Rss rss = process.rss();
            GatewayProcess.Stopped stopped = process.stop(training ? settings.trainingGrace() : settings.stopGrace());
            return new StartupLaunch(scenario.name(), round, ready, StartupLaunch.camelStartedSeconds(log, launched), rss,
                    stopped);
        } finally {
            if (process.isAlive()) {
                process.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Exit codes of a JVM stopped by a signal: 0 (SIGTERM, the gateway's own handler), 137 (SIGKILL), 143 (SIGTERM). */
    private static boolean stoppedFromOutside(int exitCode) {
        return exitCode == 0 || exitCode == 137 || exitCode == 143;
    }

    private Map<String, String> env(StartupScenario.App app, int httpPort, int managementPort) {
        Map<String, String> env = new LinkedHashMap<>();
        switch (app) {
            case BARE -> {
                env.put("HTTP_HOST", "127.0.0.1");
                env.put("HTTP_PORT", Integer.toString(httpPort));
                env.put("MANAGEMENT_HOST", "127.0.0.1");
                env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
            }
            case LOCAL -> env.putAll(ChildGatewayEnv.localAllEmbedded(httpPort, managementPort, freePort));
            case PROD -> env.putAll(ChildGatewayEnv.prodOnLoopback(httpPort, managementPort, prod));
        }
        if (app != StartupScenario.App.BARE) {
            env.putAll(settings.gatewayOverrides());
        }
        return env;
    }
}
