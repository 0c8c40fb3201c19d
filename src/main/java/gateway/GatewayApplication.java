package gateway;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Starts the gateway: camel-main reads {@code application.properties} (and
 * {@code application-<profile>.properties}, {@code CAMEL_MAIN_PROFILE} choosing the profile, {@code dev}
 * by default) and builds the routes in {@code routes/}.
 */
public final class GatewayApplication {

    public static final String DEFAULT_PROFILE = "dev";
    static final String SHUTDOWN_TIMEOUT = "camel.main.shutdownTimeout";

    private GatewayApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = newMain();
        stopGracefullyOnSigterm(main);
        int exitCode = main.run(args);
        System.exit(exitCode);
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
