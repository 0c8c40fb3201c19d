package gateway.http;

import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * A request's HTTP headers as the client sent them. platform-http copies the query parameters into the message headers
 * too, so {@code ?Content-Type=...} or {@code ?X-API-Key=...} would pass for headers; what the gateway decides on
 * (credentials, the media type, the Idempotency-Key) is read off the HTTP request itself. Where there is no HTTP request
 * (a unit test's plain message), the Camel header.
 */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /** The value of the request's HTTP header {@code name} (never a query parameter); null when absent. */
    public static String of(Message in, String name) {
        if (in instanceof HttpMessage http && http.getRequest() != null) {
            return http.getRequest().getHeader(name);
        }
        return in.getHeader(name, String.class);
    }
}
