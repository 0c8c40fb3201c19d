package gateway.security;

import java.util.Map;

import gateway.intake.IntakeRejection;

/** 401: no credentials, or wrong ones. The answer names the accepted ways to authenticate, never a key. */
public class AuthenticationFailed extends IntakeRejection {

    public AuthenticationFailed(String message) {
        super(401, message, Map.of("WWW-Authenticate", "Bearer"));
    }
}
