package gateway.agent;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns whatever the SDK future failed with into an {@link AgentCallException} with an error code,
 * an HTTP status and the retry decision:
 * <ul>
 *   <li>retryable: throttling (429), 5xx, dependency failure, bad gateway, quota/conflict (transient
 *       in InvokeAgent: concurrent-request limits, busy session), model not ready, timeouts, broken
 *       connections, error events inside an already started stream;</li>
 *   <li>permanent: validation, access denied, resource not found, missing credentials, answer too
 *       large, and anything unexpected (a bug is not fixed by calling again).</li>
 * </ul>
 */
public final class AgentErrors {

    static final String TIMEOUT = "Timeout";
    static final String CONNECTION_ERROR = "ConnectionError";
    static final String STREAM_ERROR = "StreamError";
    static final String ANSWER_TOO_LARGE = "AnswerTooLarge";
    static final String CREDENTIALS_ERROR = "CredentialsError";
    static final String CLIENT_ERROR = "ClientError";

    private static final Set<String> RETRYABLE_CODES = Set.of(
            "ThrottlingException", "InternalServerException", "DependencyFailedException",
            "BadGatewayException", "ServiceQuotaExceededException", "ConflictException",
            "ModelNotReadyException", "ServiceUnavailableException");
    private static final Set<String> PERMANENT_CODES = Set.of(
            "ValidationException", "AccessDeniedException", "ResourceNotFoundException");
    private static final int MAX_DETAIL = 300;

    private AgentErrors() {
    }

    /**
     * Route helper: rethrows the failure the route caught as a {@link RetryableAgentException} or a
     * {@link PermanentAgentException}, so other Bedrock calls (retrieveAndGenerate) follow the same rules.
     */
    public static void rethrow(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught) {
        throw classify(caught == null ? new IllegalStateException("no failure recorded") : caught);
    }

    /** Classifies a failure of an InvokeAgent call; unwraps {@link CompletionException} and {@link ExecutionException}. */
    public static AgentCallException classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof AgentCallException ace) {
            return ace;
        }
        if (t instanceof SdkServiceException sse) {
            return fromService(sse);
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return AgentCallException.of(true, TIMEOUT, 0, message(TIMEOUT, 0, null), "no complete answer within the configured timeout", t);
        }
        if (hasCause(t, TimeoutException.class) || hasCause(t, SocketTimeoutException.class) || hasCauseNamed(t, "ReadTimeoutException")) {
            return AgentCallException.of(true, TIMEOUT, 0, message(TIMEOUT, 0, null), clean(detail(t)), t);
        }
        if (hasCause(t, IOException.class)) {
            return AgentCallException.of(true, CONNECTION_ERROR, 0, message(CONNECTION_ERROR, 0, null), clean(detail(t)), t);
        }
        if (t instanceof SdkClientException) {
            String msg = String.valueOf(t.getMessage());
            if (msg.startsWith("Unable to load credentials")) {
                return AgentCallException.of(false, CREDENTIALS_ERROR, 0, message(CREDENTIALS_ERROR, 0, null), clean(detail(t)), t);
            }
            // the request was sent; the response stream could not be read to its end
            return AgentCallException.of(true, STREAM_ERROR, 0, message(STREAM_ERROR, 0, null), clean(detail(t)), t);
        }
        return AgentCallException.of(false, CLIENT_ERROR, 0, message(CLIENT_ERROR, 0, null), clean(detail(t)), t);
    }

    /** The error for an answer larger than {@code maxAnswerBytes}. */
    static AgentCallException answerTooLarge(long maxAnswerBytes) {
        return AgentCallException.of(false, ANSWER_TOO_LARGE, 0, message(ANSWER_TOO_LARGE, 0, null),
                "answer exceeds maxAnswerBytes=" + maxAnswerBytes, null);
    }

    private static AgentCallException fromService(SdkServiceException e) {
        String code = null;
        String serviceMessage = null;
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            code = ase.awsErrorDetails().errorCode();
            serviceMessage = ase.awsErrorDetails().errorMessage();
        }
        String requestId = e.requestId();
        if (code == null || code.isBlank()) {
            code = e.getClass().getSimpleName();
        }
        code = capitalize(code);
        int status = e.statusCode();
        boolean retryable;
        if (PERMANENT_CODES.contains(code)) {
            retryable = false;
        } else if (RETRYABLE_CODES.contains(code)) {
            retryable = true;
        } else {
            // unknown type: 429/5xx, or an unmodelled error event inside a stream that started with 200
            retryable = status == 429 || status >= 500 || status == 200 || status == 0;
        }
        // error events inside the stream carry their modelled status (internalServerException: 500)
        int httpStatus = status == 200 ? 0 : status;
        return AgentCallException.of(retryable, code, httpStatus, message(code, httpStatus, requestId),
                clean(serviceMessage != null ? serviceMessage : "no message"), e);
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCauseNamed(Throwable t, String simpleName) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    private static String detail(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root == t || m == null ? root.getClass().getSimpleName() + (m == null ? "" : ": " + m)
                : t.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName() + ": " + m;
    }

    /** For the log: the code, the HTTP status and AWS's request id; the gateway's words only (no service text). */
    private static String message(String code, int httpStatus, String requestId) {
        StringBuilder about = new StringBuilder();
        if (httpStatus > 0) {
            about.append("HTTP ").append(httpStatus);
        }
        if (requestId != null && requestId.matches("[A-Za-z0-9-]{1,64}")) {
            about.append(about.length() > 0 ? ", " : "").append("request id ").append(requestId);
        }
        return "InvokeAgent failed: " + code + (about.length() > 0 ? " (" + about + ")" : "");
    }

    /** The service's text on one line, cut to {@value #MAX_DETAIL} characters (for a DEBUG line only). */
    private static String clean(String detail) {
        String clean = detail == null ? "" : detail.replaceAll("[\\r\\n\\t]+", " ").strip();
        return clean.length() > MAX_DETAIL ? clean.substring(0, MAX_DETAIL) + "..." : clean;
    }

    /** What a caller is told of a failed agent call with this code: the gateway's sentence, never the service's text. */
    static String callerMessage(String code) {
        return switch (code == null ? "" : code) {
            case "ValidationException" -> "the agent refused the question as invalid";
            case "AccessDeniedException", CREDENTIALS_ERROR ->
                    "the gateway is not allowed to call the agent (a configuration problem on the gateway's side)";
            case "ResourceNotFoundException" -> "the agent or its alias was not found (a configuration problem on the gateway's side)";
            case "ThrottlingException", "ServiceQuotaExceededException" -> "the agent service was throttling requests";
            case "ConflictException" -> "the agent was busy with another question of this conversation";
            case "InternalServerException", "DependencyFailedException", "BadGatewayException", "ServiceUnavailableException",
                    "ModelNotReadyException" -> "the agent service failed";
            case TIMEOUT -> "the agent gave no complete answer in time";
            case CONNECTION_ERROR, STREAM_ERROR -> "the connection to the agent broke";
            case ANSWER_TOO_LARGE -> "the agent's answer is too large to deliver";
            case "RecordStoreUnavailable" -> "the gateway could not read the conversation's state";
            default -> "the agent call failed";
        };
    }

    private static String capitalize(String code) {
        return Character.isLowerCase(code.charAt(0)) ? Character.toUpperCase(code.charAt(0)) + code.substring(1) : code;
    }
}
