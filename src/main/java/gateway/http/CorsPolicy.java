package gateway.http;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Message;

/**
 * CORS for the public endpoint. {@code CORS_ALLOWED_ORIGINS} is a comma-separated list; {@code *}
 * (the original's behaviour and the dev default) allows every origin, an empty list allows none.
 */
public class CorsPolicy {

    private final boolean anyOrigin;
    private final Set<String> origins;

    public CorsPolicy(String allowedOrigins) {
        this.origins = Arrays.stream(allowedOrigins == null ? new String[0] : allowedOrigins.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.anyOrigin = origins.contains("*");
    }

    /** Sets {@code Access-Control-Allow-Origin} on the response where the policy allows the caller. */
    public void apply(Message response, String requestOrigin) {
        if (anyOrigin) {
            response.setHeader("Access-Control-Allow-Origin", "*");
        } else if (requestOrigin != null && origins.contains(requestOrigin)) {
            response.setHeader("Access-Control-Allow-Origin", requestOrigin);
            response.setHeader("Vary", "Origin");
        }
    }
}
