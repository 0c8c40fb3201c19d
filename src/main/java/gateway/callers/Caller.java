package gateway.callers;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import gateway.delivery.WebhookSigner;

/**
 * A caller of {@code CALLERS_FILE}: its name, its endpoints, the {@code callback_url} patterns it may ask for, and
 * its signer (for callback URLs and for endpoints without secrets of their own). Its API keys are kept as SHA-256
 * hashes only, for {@link Callers#callerFor}; {@link #toString()} shows names and counts, never a key or secret.
 */
public final class Caller {

    private final String name;
    private final List<CallerWebhook> webhooks;
    private final List<CallbackPattern> callbackUrls;
    private final WebhookSigner signer;
    private final int signingSecrets;
    private final List<byte[]> keyHashes;

    Caller(String name, List<CallerWebhook> webhooks, List<CallbackPattern> callbackUrls, WebhookSigner signer,
            int signingSecrets, List<byte[]> keyHashes) {
        this.name = name;
        this.webhooks = List.copyOf(webhooks);
        this.callbackUrls = List.copyOf(callbackUrls);
        this.signer = signer;
        this.signingSecrets = signingSecrets;
        this.keyHashes = keyHashes.stream().map(byte[]::clone).toList();
    }

    public String name() {
        return name;
    }

    /** The endpoints, in the file's order. */
    public List<CallerWebhook> webhooks() {
        return webhooks;
    }

    public List<CallbackPattern> callbackUrls() {
        return callbackUrls;
    }

    /** The caller's own signer: every one of its {@code signing_secrets} signs. */
    public WebhookSigner signer() {
        return signer;
    }

    public Optional<CallerWebhook> webhook(String webhookName) {
        return webhooks.stream().filter(w -> w.name().equals(webhookName)).findFirst();
    }

    /** The endpoints that take this event type, in the file's order. */
    public List<CallerWebhook> webhooksFor(String eventType) {
        return webhooks.stream().filter(w -> w.accepts(eventType)).toList();
    }

    /** Whether a request's {@code callback_url} matches one of the caller's {@code callback_urls}. */
    public boolean allowsCallback(URI url) {
        return callbackUrls.stream().anyMatch(p -> p.matches(url));
    }

    /** How many API keys the caller has (two during a rotation). */
    public int apiKeyCount() {
        return keyHashes.size();
    }

    public int signingSecretCount() {
        return signingSecrets;
    }

    List<byte[]> keyHashes() {
        return keyHashes;
    }

    @Override
    public String toString() {
        return "Caller[name=" + name + ", apiKeys=" + keyHashes.size() + ", signingSecrets=" + signingSecrets
                + ", webhooks=" + webhooks.stream().map(CallerWebhook::name).toList() + ", callbackUrls=" + callbackUrls + "]";
    }
}
