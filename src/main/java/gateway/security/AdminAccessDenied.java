package gateway.security;

import java.util.Map;

import gateway.intake.IntakeRejection;

/** 401 (no or wrong admin token) or 403 (admin operations disabled: no {@code ADMIN_TOKEN} in prod). */
public class AdminAccessDenied extends IntakeRejection {

    public AdminAccessDenied(int status, String message) {
        super(status, message, status == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of());
    }
}
