package gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import gateway.flow.FlowProperties;
import gateway.logging.Redaction;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What one HTTP attempt of a delivery took and what the receiver said, for the attempt log of the tracking record:
 * {@link FlowProperties#ATTEMPT_DURATION_MS} (from {@link FlowProperties#ATTEMPT_STARTED}, set when the attempt
 * starts) and {@link FlowProperties#RESPONSE_EXCERPT}, the start of the receiver's response body, cut to
 * {@value #EXCERPT_BYTES} bytes.
 */
public class AttemptReport {

    public static final int EXCERPT_BYTES = 1024;

    /** After a 2xx: the route's step right after the POST. */
    public void succeeded(Exchange exchange) {
        measure(exchange, exchange.getMessage().getBody(String.class));
    }

    /** After a failed attempt (the delivery error handler's onExceptionOccurred step). */
    public static void failed(Exchange exchange, Throwable cause) {
        measure(exchange, cause instanceof HttpOperationFailedException http ? http.getResponseBody()
                : cause instanceof HttpDestinationFailure chat ? chat.responseBody() : null);
    }

    /** The next attempt starts now (a redelivery). */
    public static void restart(Exchange exchange) {
        exchange.setProperty(FlowProperties.ATTEMPT_STARTED, System.nanoTime());
    }

    private static void measure(Exchange exchange, String body) {
        Long started = exchange.getProperty(FlowProperties.ATTEMPT_STARTED, Long.class);
        if (started != null) {
            exchange.setProperty(FlowProperties.ATTEMPT_DURATION_MS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } else {
            exchange.removeProperty(FlowProperties.ATTEMPT_DURATION_MS);
        }
        // the receiver's own words, as the caller will read them in the status lookup; a URL's query or a token masked
        String excerpt = Redaction.redact(excerpt(body));
        if (excerpt == null) {
            exchange.removeProperty(FlowProperties.RESPONSE_EXCERPT);
        } else {
            exchange.setProperty(FlowProperties.RESPONSE_EXCERPT, excerpt);
        }
    }

    /** The body's first {@value #EXCERPT_BYTES} UTF-8 bytes, never cutting a character in two; null when empty. */
    static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        if (body.length() * 4L <= EXCERPT_BYTES) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < body.length(); ) {
            int cp = body.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > EXCERPT_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
