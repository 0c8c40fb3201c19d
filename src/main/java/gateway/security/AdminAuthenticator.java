package gateway.security;


import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the admin operations of the management port (DLQ list and redrive): they need
 * {@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time over SHA-256 hashes. With no token
 * configured they are refused (403) unless the profile allows them open (dev), where each is logged at WARN.
 * Admin routes call {@link #authorize(Exchange)} first and map {@link AdminAccessDenied} to its status.
 */
public class AdminAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticator.class);

    /** The outcome of a check, with the HTTP status it maps to (0 when allowed). */
    public enum Decision {
        ALLOWED(0), ALLOWED_WITHOUT_TOKEN(0), MISSING_TOKEN(401), WRONG_TOKEN(401), DISABLED(403);

        private final int status;

        Decision(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        public boolean allowed() {
            return status == 0;
        }
    }

    private final ApiKeys token;
    private final boolean openWithoutToken;

    /**
     * @param adminToken       {@code ADMIN_TOKEN}, blank when none is configured
     * @param openWithoutToken whether admin operations are allowed when no token is configured (dev only)
     */
    public AdminAuthenticator(String adminToken, boolean openWithoutToken) {
        // reuses ApiKeys' hashing and constant-time comparison, with one entry named "admin"
        this.token = adminToken == null || adminToken.isBlank() ? ApiKeys.none() : ApiKeys.parseSingle("admin", adminToken.strip());
        this.openWithoutToken = openWithoutToken;
    }

    public boolean tokenConfigured() {
        return !token.isEmpty();
    }

    /** Decides on the value of the request's {@code Authorization} header (may be null). */
    public Decision check(String authorizationHeader) {
        if (token.isEmpty()) {
            return openWithoutToken ? Decision.ALLOWED_WITHOUT_TOKEN : Decision.DISABLED;
        }
        String presented = BearerToken.of(authorizationHeader);
        if (presented == null) {
            return Decision.MISSING_TOKEN;
        }
        return token.callerFor(presented).isPresent() ? Decision.ALLOWED : Decision.WRONG_TOKEN;
    }

    /** For admin routes: passes, or throws {@link AdminAccessDenied} with 401 or 403. */
    public void authorize(Exchange exchange) {
        Decision decision = check(exchange.getMessage().getHeader("Authorization", String.class));
        switch (decision) {
            case ALLOWED:
                return;
            case ALLOWED_WITHOUT_TOKEN:
                LOG.warn("Admin operation {} {} allowed without a token: ADMIN_TOKEN is not set (dev profile)",
                        exchange.getMessage().getHeader(Exchange.HTTP_METHOD), exchange.getMessage().getHeader(Exchange.HTTP_PATH));
                return;
            case DISABLED:
                throw new AdminAccessDenied(403, "Admin operations are disabled: ADMIN_TOKEN is not set");
            case WRONG_TOKEN:
                throw new AdminAccessDenied(401, "Invalid admin token");
            default:
                throw new AdminAccessDenied(401, "Missing admin token: send 'Authorization: Bearer <ADMIN_TOKEN>'");
        }
    }

    @Override
    public String toString() {
        return "AdminAuthenticator[token=" + (tokenConfigured() ? "set" : "unset") + ", openWithoutToken=" + openWithoutToken + "]";
    }
}
