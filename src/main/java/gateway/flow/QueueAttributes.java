package gateway.flow;

/**
 * The SQS message attributes the gateway's queue messages carry (the original's three plus the caller):
 * Camel maps each to a message header of the same name.
 */
public final class QueueAttributes {

    public static final String MESSAGE_TYPE = "message_type";
    public static final String TRACKING_ID = "tracking_id";
    public static final String SOURCE_SYSTEM = "source_system";
    public static final String CALLER = "caller";

    private QueueAttributes() {
    }
}
