package gateway.delivery;

import java.time.Duration;

/**
 * A {@link DestinationFailure} of a destination reached over HTTP (a Slack or Teams endpoint), with the start of the
 * service's answer for the attempt log ({@link AttemptReport}), as a webhook's refusal has it.
 */
public class HttpDestinationFailure extends DestinationFailure {

    private final String responseBody;

    public HttpDestinationFailure(Action action, String code, Integer httpStatus, Duration retryAfter, String message,
            String responseBody) {
        super(action, code, httpStatus, retryAfter, message);
        this.responseBody = responseBody;
    }

    /** The service's response body (null when none came). */
    public String responseBody() {
        return responseBody;
    }
}
