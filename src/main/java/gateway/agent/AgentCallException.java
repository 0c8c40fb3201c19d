package gateway.agent;

/**
 * A failed InvokeAgent call. Always one of {@link RetryableAgentException} or
 * {@link PermanentAgentException}, so a route can pick its rule by class:
 * {@code onException(RetryableAgentException.class)} retries, the rest go to the dead letter.
 *
 * <p>Three texts, for three readers:
 * <ul>
 *   <li>{@link #getMessage()}, for the log: the error code, the HTTP status and AWS's request id (what an operator
 *       looks up in CloudTrail), written by the gateway;</li>
 *   <li>{@link #callerMessage()}, for the caller (the {@code query.failed} webhook, the status lookup): a sentence the
 *       gateway wrote for the code;</li>
 *   <li>{@link #detail()}: the service's own text. An AccessDenied message names the account, the role and the alias;
 *       a ValidationException may quote the request. It is logged at DEBUG only ({@code gateway.agent}), never put in a
 *       payload, a record or an error body.</li>
 * </ul>
 * None carries the question, the answer or any credential.
 */
public abstract class AgentCallException extends RuntimeException {

    private final String errorCode;
    private final int httpStatus;
    private final String detail;

    protected AgentCallException(String errorCode, int httpStatus, String message, String detail, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
        this.detail = detail == null ? "" : detail;
    }

    /** The service's error type (e.g. {@code ThrottlingException}) or our own ({@code Timeout}, {@code ConnectionError}, {@code StreamError}, {@code AnswerTooLarge}). */
    public String errorCode() {
        return errorCode;
    }

    /** HTTP status of the failed response, 0 when there was none (timeout, broken connection, error inside the stream). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The service's (or the client's) own text: for a DEBUG line, never for a caller. */
    public String detail() {
        return detail;
    }

    /** What the caller is told: a sentence the gateway wrote for {@link #errorCode()}. */
    public String callerMessage() {
        return AgentErrors.callerMessage(errorCode);
    }

    /** True when the same call may succeed if made again later. */
    public abstract boolean retryable();

    /** Creates the retryable or permanent variant. */
    public static AgentCallException of(boolean retryable, String errorCode, int httpStatus, String message, String detail,
            Throwable cause) {
        return retryable
                ? new RetryableAgentException(errorCode, httpStatus, message, detail, cause)
                : new PermanentAgentException(errorCode, httpStatus, message, detail, cause);
    }
}
