package gateway;

import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway: camel-main reads {@code application.properties} (and
 * {@code application-<profile>.properties}, {@code CAMEL_MAIN_PROFILE} choosing the profile: {@code local}
 * by default in the full jar, {@code prod} in the prod jar) and builds the routes in {@code routes/}.
 */
public final class GatewayApplication {

    /** The whole flow on one machine (only in the full jar: its stand-ins live in {@code src/local}). */
    public static final String LOCAL_PROFILE = "local";
    public static final String PROD_PROFILE = "prod";
    static final String LEGACY_LOCAL_PROFILE = "dev";
    /** The exit code of a start that failed. */
    public static final int EXIT_START_FAILED = 1;
    static final long HALT_AFTER_MS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Main main = null;
        int exitCode;
        try {
            main = newMain();
            stopGracefullyOnSigterm(main);
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
        CamelContext context = main == null ? null : main.getCamelContext();
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

    /**
     * The application with the given profile: {@value #LOCAL_PROFILE} or {@value #PROD_PROFILE}; when blank, the
     * local profile where the jar has it (the full jar) and prod otherwise (the prod jar).
     */
    public static Main newMain(String profile) {
        Main main = new Main();
        main.configure().setProfile(profile(profile, hasLocalProfile()));
        return main;
    }

    /**
     * The profile to run. {@code dev} is read as {@value #LOCAL_PROFILE}, the profile's earlier name: Camel has
     * a {@code dev} profile of its own (message history, a backlog tracer in standby, a 10 s shutdown timeout over
     * {@code SHUTDOWN_TIMEOUT_SECONDS}) that a profile of that name switched on too.
     */
    static String profile(String requested, boolean localAvailable) {
        String name = requested == null ? "" : requested.trim();
        if (name.isEmpty()) {
            return localAvailable ? LOCAL_PROFILE : PROD_PROFILE;
        }
        if (LEGACY_LOCAL_PROFILE.equals(name)) {
            LOG.info("CAMEL_MAIN_PROFILE=dev is now called local: running the local profile");
            name = LOCAL_PROFILE;
        }
        if (LOCAL_PROFILE.equals(name) && !localAvailable) {
            // without its stand-ins the local profile would reach for AWS with the local profile's open defaults
            throw new IllegalStateException("CAMEL_MAIN_PROFILE=" + requested.trim() + " needs the full jar "
                    + "(target/ai-webhook-gateway.jar): this jar has no local stand-ins; run it with CAMEL_MAIN_PROFILE=prod");
        }
        return name;
    }

    private static boolean hasLocalProfile() {
        return GatewayApplication.class.getClassLoader().getResource("application-" + LOCAL_PROFILE + ".properties") != null;
    }
}
