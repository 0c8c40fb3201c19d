package gateway.flow;

/** A queue message that can never be processed (not JSON, wrong shape): it goes to the DLQ at once. */
public class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
