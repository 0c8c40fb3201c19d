package gateway.agent;

/**
 * A failed InvokeAgent call. Always one of {@link RetryableAgentException} or
 * {@link PermanentAgentException}, so a route can pick its rule by class:
 * {@code onException(RetryableAgentException.class)} retries, the rest go to the dead letter.
 *
 * <p>Messages name the error code, HTTP status and the service's own short message only; they never
 * carry the question, the answer or any credential.
 */
public abstract class AgentCallException extends RuntimeException {

    private final String errorCode;
    private final int httpStatus;

    protected AgentCallException(String errorCode, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /** The service's error type (e.g. {@code ThrottlingException}) or our own ({@code Timeout}, {@code ConnectionError}, {@code StreamError}, {@code AnswerTooLarge}). */
    public String errorCode() {
        return errorCode;
    }

    /** HTTP status of the failed response, 0 when there was none (timeout, broken connection, error inside the stream). */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when the same call may succeed if made again later. */
    public abstract boolean retryable();

    /** Creates the retryable or permanent variant. */
    public static AgentCallException of(boolean retryable, String errorCode, int httpStatus, String message, Throwable cause) {
        return retryable
                ? new RetryableAgentException(errorCode, httpStatus, message, cause)
                : new PermanentAgentException(errorCode, httpStatus, message, cause);
    }
}
