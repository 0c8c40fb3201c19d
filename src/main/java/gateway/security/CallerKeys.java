package gateway.security;

import java.util.Optional;

/**
 * The API keys the authenticator checks a presented key against: {@code GATEWAY_API_KEYS} alone ({@link ApiKeys}),
 * or those together with the keys of {@code CALLERS_FILE}, as in force at the moment (it is reloaded).
 */
public interface CallerKeys {

    /** The name of the caller whose key this is, if it is a configured key. */
    Optional<String> callerFor(String presentedKey);

    /** True when no key at all is configured. */
    boolean isEmpty();
}
