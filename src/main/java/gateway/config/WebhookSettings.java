package gateway.config;

import gateway.security.SecretSetting;

/**
 * The default receiver: {@code WEBHOOK_URL} (where the callers of GATEWAY_API_KEYS, signed requests and an open gateway
 * get their answers) and its signing secret(s), from the variable or its mounted file.
 */
public record WebhookSettings(String url, String signingSecret, String signingSecretFile) {

    /** The signing secret(s) (space-separated during a rotation); empty when none is set. */
    public String signingSecrets() {
        return SecretSetting.resolve("WEBHOOK_SIGNING_SECRET", signingSecret, signingSecretFile);
    }

    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", secret " + (signingSecret.isBlank() && signingSecretFile.isBlank() ? "unset" : "set") + "]";
    }
}
