package gateway.agent;

/** An agent call that failed for a passing reason: throttling, 5xx, timeouts, broken connections or streams. */
public class RetryableAgentException extends AgentCallException {

    public RetryableAgentException(String errorCode, int httpStatus, String message, Throwable cause) {
        this(errorCode, httpStatus, message, "", cause);
    }

    public RetryableAgentException(String errorCode, int httpStatus, String message, String detail, Throwable cause) {
        super(errorCode, httpStatus, message, detail, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
