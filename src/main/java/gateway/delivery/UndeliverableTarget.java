package gateway.delivery;

/**
 * A delivery whose target can no longer be used, whatever the receiver would say: its endpoint was removed from
 * {@code CALLERS_FILE}, its callback URL is no longer allowed, or its caller is gone. Never retried: the delivery
 * goes to the DLQ at once with the reason code, which starts its message.
 */
public class UndeliverableTarget extends RuntimeException {

    public static final String ENDPOINT_REMOVED = "endpoint_removed";
    public static final String CALLBACK_NOT_ALLOWED = "callback_url_not_allowed";
    public static final String NO_DEFAULT_URL = "no_webhook_url";

    private final String reason;

    public UndeliverableTarget(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
