package gateway.config;

/**
 * What the profile asks of the rest: whether the production checks apply ({@code gateway.startup.prod-checks}: the
 * prod profile; queues must have DLQs, an admin token must be long, ...) and whether http URLs are allowed for
 * receivers ({@code ALLOW_INSECURE_WEBHOOK_URL}; always outside prod).
 */
public record ProfileSettings(boolean prodChecks, boolean allowInsecureUrls) {

    /** Whether {@code http} receiver URLs (WEBHOOK_URL, endpoints, callback patterns) are allowed. */
    public boolean httpAllowed() {
        return !prodChecks || allowInsecureUrls;
    }
}
