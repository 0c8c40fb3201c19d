package gateway.intake;

import java.util.Map;

/**
 * A request the gateway refuses: the HTTP status and the message the caller sees. Carries no stack
 * trace (it is the expected answer to bad input, not a fault) and never any parser or exception text.
 */
public class IntakeRejection extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    public IntakeRejection(int status, String message) {
        this(status, message, Map.of());
    }

    /** A rejection whose answer carries response headers too (e.g. {@code Retry-After}, {@code WWW-Authenticate}). */
    public IntakeRejection(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** Headers the JSON error answer carries besides the usual ones. */
    public Map<String, String> headers() {
        return headers;
    }

    public static IntakeRejection badRequest(String message) {
        return new IntakeRejection(400, message);
    }
}
