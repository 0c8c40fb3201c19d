package gateway;

import org.apache.camel.main.Main;

/**
 * Starts the gateway: camel-main reads {@code application.properties} (and
 * {@code application-<profile>.properties}, {@code CAMEL_MAIN_PROFILE} choosing the profile, {@code dev}
 * by default) and builds the routes in {@code routes/}.
 */
public final class GatewayApplication {

    public static final String DEFAULT_PROFILE = "dev";

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
        return main;
    }
}
