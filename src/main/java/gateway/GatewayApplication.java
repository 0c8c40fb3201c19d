package gateway;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: camel-main reads {@code application.properties} (and
 * {@code application-<profile>.properties}, {@code CAMEL_MAIN_PROFILE} choosing the profile, {@code dev}
 * by default) and builds the routes in {@code routes/}.
 */
public final class GatewayApplication {

    public static final String DEFAULT_PROFILE = "dev";
    /** The exit code of a start that failed. */
    public static final int EXIT_START_FAILED = 1;
    static final long HALT_AFTER_MS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);
    static final String SHUTDOWN_TIMEOUT = "camel.main.shutdownTimeout";

    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Main main = newMain();
        stopGracefullyOnSigterm(main);
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Throwable failure) {
            exitAfterFailedStart(main, failure);
            return;
        }
        System.exit(exitCode);
    }

    /**
     * A start that fails ends the process, non-zero, with one line naming the problem and the setting to
     * change ({@link StartFailure}). The threads a half-started gateway leaves (Vert.x, ElasticMQ) would
     * otherwise keep the JVM up, and SIGTERM would find nothing left to stop. The stack trace is there at
     * DEBUG. Should the JVM's shutdown hooks hang, the process is halted after {@value #HALT_AFTER_MS} ms.
     */
    static void exitAfterFailedStart(Main main, Throwable failure) {
        CamelContext context = main.getCamelContext();
        String line = StartFailure.describe(failure, property -> {
            try {
                return context == null ? Optional.empty() : context.getPropertiesComponent().resolveProperty(property);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        LOG.error(line);
        LOG.debug("Start failure", failure);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(EXIT_START_FAILED);
        }, "halt-after-failed-start");
        halt.setDaemon(true);
        halt.start();
        System.exit(EXIT_START_FAILED);
    }

    /**
     * SIGTERM (Kubernetes stopping the pod) asks Camel Main to complete: it stops taking work, lets work in
     * flight finish within {@code SHUTDOWN_TIMEOUT_SECONDS}, releases the rest, and {@link #main} exits 0.
     * Left to the JVM's default, SIGTERM would run the same shutdown from a hook but exit 143.
     */
    @SuppressWarnings("sunapi")
    static void stopGracefullyOnSigterm(Main main) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> main.completed());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no such signal on this platform: the JVM's shutdown hook still stops Camel gracefully
        }
    }

    /** The application as {@code java -jar} runs it; tests start the same thing with overrides. */
    public static Main newMain() {
        return newMain(System.getenv("CAMEL_MAIN_PROFILE"));
    }

    /** The application with the given profile ({@code dev} when blank), as tests start the prod profile. */
    public static Main newMain(String profile) {
        Main main = new Main();
        main.configure().setProfile(profile == null || profile.isBlank() ? DEFAULT_PROFILE : profile.trim());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                keepConfiguredShutdownTimeout(configured.getCamelContext());
            }
        });
        return main;
    }

    /**
     * Camel's own {@code dev} profile (which shares its name with our default profile) sets the shutdown
     * timeout to 10 s after {@code camel.main.shutdownTimeout} was read, so {@code SHUTDOWN_TIMEOUT_SECONDS}
     * was ignored in dev: in-flight agent calls got 10 s, not the configured grace period. Apply it again.
     */
    static void keepConfiguredShutdownTimeout(CamelContext context) {
        Optional<Long> seconds = context.getPropertiesComponent().resolveProperty(SHUTDOWN_TIMEOUT)
                .map(String::trim).filter(v -> v.matches("\\d+")).map(Long::valueOf).filter(v -> v > 0);
        seconds.ifPresent(value -> {
            context.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
            context.getShutdownStrategy().setTimeout(value);
        });
    }
}
