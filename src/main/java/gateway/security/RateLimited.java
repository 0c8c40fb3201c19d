package gateway.security;

import java.util.Map;

import gateway.intake.IntakeRejection;

/** 429: the caller's bucket is empty; {@code Retry-After} says in how many seconds a request will pass. */
public class RateLimited extends IntakeRejection {

    public RateLimited(long retryAfterSeconds) {
        super(429, "Rate limit exceeded: retry after " + retryAfterSeconds + " s",
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
