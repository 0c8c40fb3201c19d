package gateway.agent;

/**
 * An agent call aborted because its caller cancelled the question ({@code DELETE /webhook/{tracking_id}}). Not an
 * {@link AgentCallException}: it is neither retried nor told to the caller as a failure; the agent stage deletes the
 * request, and the record says "cancelled" already. The message names the tracking id only.
 */
public class AgentCallCancelled extends RuntimeException {

    private final String trackingId;

    public AgentCallCancelled(String trackingId) {
        super("agent call aborted: question " + trackingId + " cancelled by its caller", null, false, false);
        this.trackingId = trackingId;
    }

    public String trackingId() {
        return trackingId;
    }
}
