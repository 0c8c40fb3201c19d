package gateway.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import gateway.http.RequestHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Where a request's credentials are read: its HTTP headers ({@link RequestHeaders}), and nothing else. platform-http
 * copies the query parameters into the message headers too, so {@code POST /webhook?X-API-Key=<key>} would look like a
 * request with that header; a query that carries a credential is recognised, so it can be refused: a key in a URL ends
 * up in the access logs of every proxy and load balancer on the way.
 */
final class RequestCredentials {

    /** Query parameter names (any case, once decoded) taken for a credential. */
    static final Set<String> CREDENTIAL_PARAMETERS = Set.of("authorization", "x-api-key", "api-key", "api_key", "apikey",
            "key", "token", "access_token", "access-token", "webhook-id", "webhook-timestamp", "webhook-signature");

    private RequestCredentials() {
    }

    /** The value of the request's HTTP header {@code name} (never a query parameter); null when absent. */
    static String header(Message in, String name) {
        return RequestHeaders.of(in, name);
    }

    /** Whether the request's query string names a credential ({@link #CREDENTIAL_PARAMETERS}). */
    static boolean inQuery(Message in) {
        String query = in.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("[&;]")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
            if (CREDENTIAL_PARAMETERS.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }
}
