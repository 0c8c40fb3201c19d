package gateway.security;

/** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), for API keys and the admin token. */
final class BearerToken {

    private BearerToken() {
    }

    /** The token, stripped; null when the header is absent, not Bearer, or carries no token. */
    static String of(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String value = authorizationHeader.strip();
        if (value.length() <= 7 || !value.regionMatches(true, 0, "bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
