package gateway.testing;

import java.util.LinkedHashMap;
import java.util.Map;


/**
 * The flow tests' set-up: a {@link ScriptedReceiver} on loopback and the real application delivering its
 * webhooks to it, signed with the secret the receiver checks. Start it in {@code @BeforeAll}, call
 * {@link #reset()} in {@code @BeforeEach} and {@link #close()} in {@code @AfterAll}.
 */
public record ReceiverAndApp(ScriptedReceiver receiver, GatewayTestApp app) implements AutoCloseable {

    /** The webhook signing secret of the flow tests (the Standard Webhooks example secret). */
    public static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** The receiver checking {@link #SECRET}, the app signing with it, plus {@code overrides}. */
    public static ReceiverAndApp start(Map<String, String> overrides) throws Exception {
        return start(SECRET, overrides);
    }

    /**
     * The receiver checking {@code secret} and the app signing with it, plus {@code overrides}; with a null
     * {@code secret} the receiver checks no signature and the app keeps its own signing settings.
     */
    public static ReceiverAndApp start(String secret, Map<String, String> overrides) throws Exception {
        ScriptedReceiver receiver = ScriptedReceiver.startOnRandomPort(secret);
        try {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("gateway.webhook.url", receiver.url());
            if (secret != null) {
                all.put("gateway.webhook.signing.secret", secret);
            }
            all.putAll(overrides);
            return new ReceiverAndApp(receiver, GatewayTestApp.start(all));
        } catch (Exception | Error e) {
            receiver.close();
            throw e;
        }
    }

    /** Between tests: the receiver listening again (a test may have stopped it), with no deliveries and no script. */
    public void reset() {
        receiver.start();
        receiver.clear();
    }

    @Override
    public void close() {
        app.close();
        receiver.close();
    }
}
