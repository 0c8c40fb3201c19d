package gateway.agent;

/** An agent call that failed for a passing reason: throttling, 5xx, timeouts, broken connections or streams. */
public class RetryableAgentException extends AgentCallException {

    public RetryableAgentException(String errorCode, int httpStatus, String message, Throwable cause) {
        super(errorCode, httpStatus, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
