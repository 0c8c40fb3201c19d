package gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

import gateway.security.AuthenticationPolicy;
import gateway.security.SecretSetting;

/**
 * Who may call, as set: the API keys ({@code GATEWAY_API_KEYS} or its file), {@code CALLERS_FILE}, the inbound signing
 * secret and the caller name of signed requests, {@code AUTH_DISABLED}, and whether the profile may run open without
 * keys (local only). Secrets are resolved (variable or mounted file) when asked for, never kept in a message.
 */
public record AuthSettings(String apiKeys, String apiKeysFile, String callersFile, String inboundSecret,
        String inboundSecretFile, String inboundCallerName, boolean authDisabled, boolean openWithoutKeys) {

    /** The inbound signing secret(s), from the variable or its file; empty when none is set. */
    public String inboundSigningSecret() {
        return SecretSetting.resolve("INBOUND_SIGNING_SECRET", inboundSecret, inboundSecretFile);
    }

    /** The caller name of signed requests, or null when inbound signatures are off (no secret is set). */
    public String inboundCaller() {
        boolean signed = !inboundSecret.isBlank() || !inboundSecretFile.isBlank();
        return signed ? inboundCallerName.strip() : null;
    }

    /** The key settings by variable name (blank: not given), as {@link AuthenticationPolicy#decide} reads them. */
    public Map<String, String> keySettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("GATEWAY_API_KEYS", apiKeys);
        settings.put("GATEWAY_API_KEYS_FILE", apiKeysFile);
        settings.put("CALLERS_FILE", callersFile);
        settings.put("INBOUND_SIGNING_SECRET", inboundSecret);
        settings.put("INBOUND_SIGNING_SECRET_FILE", inboundSecretFile);
        return settings;
    }

    /** Whether any key setting but the callers file is given: callers that deliver to WEBHOOK_URL. */
    public boolean settingsCallers() {
        return !(apiKeys.isBlank() && apiKeysFile.isBlank() && inboundSecret.isBlank() && inboundSecretFile.isBlank());
    }

    @Override
    public String toString() {
        return "AuthSettings[keys " + (apiKeys.isBlank() && apiKeysFile.isBlank() ? "unset" : "set") + ", callersFile="
                + callersFile + ", inbound signing " + (inboundCaller() == null ? "off" : "on") + ", authDisabled="
                + authDisabled + "]";
    }
}
