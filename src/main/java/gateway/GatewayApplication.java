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
        main.run(args);
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
