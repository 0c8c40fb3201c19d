package gateway.agent;

/** An agent call that will fail again if repeated: validation, access denied, not found, answer too large. */
public class PermanentAgentException extends AgentCallException {

    public PermanentAgentException(String errorCode, int httpStatus, String message, Throwable cause) {
        this(errorCode, httpStatus, message, "", cause);
    }

    public PermanentAgentException(String errorCode, int httpStatus, String message, String detail, Throwable cause) {
        super(errorCode, httpStatus, message, detail, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
