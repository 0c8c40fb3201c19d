package gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether requests must authenticate, decided once, at start, from the settings, never from the keys that happen to
 * be loaded at a given moment (a callers file rewritten to {@code callers: []} must not open the gateway):
 * <ul>
 *   <li>any key setting given ({@code GATEWAY_API_KEYS}, {@code GATEWAY_API_KEYS_FILE}, {@code CALLERS_FILE},
 *       {@code INBOUND_SIGNING_SECRET}, {@code INBOUND_SIGNING_SECRET_FILE}): enforced, whatever else is set
 *       ({@code AUTH_DISABLED=true} is then ignored, with a WARN);</li>
 *   <li>none, and {@code AUTH_DISABLED=true}: open;</li>
 *   <li>none, in a profile that may run open without keys (the local profile, so the README's first curl works): open;</li>
 *   <li>none otherwise: enforced, and the start fails as no credential is loaded ({@link #requireCredentials}).</li>
 * </ul>
 * Once enforced, nothing turns it off: the authenticator keeps the decision, and a reload of the callers file that would
 * leave no credential in force is refused.
 *
 * @param enforced     whether every request must present a key or a valid signature
 * @param settingsGiven the key settings that were given (names only), for messages
 * @param why          why the gateway runs open (empty when enforced)
 */
public record AuthenticationPolicy(boolean enforced, List<String> settingsGiven, String why) {

    public AuthenticationPolicy {
        settingsGiven = List.copyOf(settingsGiven);
    }

    /**
     * @param settings            each key setting's name and value (blank: not given), e.g. {@code GATEWAY_API_KEYS}
     * @param authDisabled        {@code AUTH_DISABLED}
     * @param openWithoutKeys     whether the profile may run open when no key setting is given (local only)
     */
    public static AuthenticationPolicy decide(Map<String, String> settings, boolean authDisabled, boolean openWithoutKeys) {
        List<String> given = new ArrayList<>();
        settings.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                given.add(name);
            }
        });
        if (!given.isEmpty()) {
            return new AuthenticationPolicy(true, given, "");
        }
        if (authDisabled) {
            return new AuthenticationPolicy(false, given, "AUTH_DISABLED=true");
        }
        if (openWithoutKeys) {
            return new AuthenticationPolicy(false, given, "no key setting is given (local profile)");
        }
        return new AuthenticationPolicy(true, given, "");
    }

    /**
     * At start, once the keys are loaded: an enforced policy with no credential at all would answer every request 401,
     * so the start fails with one line naming the settings instead. {@link IllegalStateException}.
     *
     * @param apiKeys           API keys loaded (settings and callers file)
     * @param inboundSignatures whether an inbound signing secret is loaded
     */
    public void requireCredentials(int apiKeys, boolean inboundSignatures) {
        if (!enforced || apiKeys > 0 || inboundSignatures) {
            return;
        }
        String source = settingsGiven.isEmpty() ? "no key setting is given"
                : String.join(", ", settingsGiven) + (settingsGiven.size() == 1 ? " is" : " are") + " set but hold" + (settingsGiven.size() == 1 ? "s" : "")
                        + " no API key";
        throw new IllegalStateException("Authentication is on but no credential is loaded (" + source + "): set "
                + "GATEWAY_API_KEYS (or GATEWAY_API_KEYS_FILE), CALLERS_FILE with api_keys, or INBOUND_SIGNING_SECRET, "
                + "or set AUTH_DISABLED=true to run without authentication");
    }
}
