package gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import gateway.delivery.WebhookSigner;
import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The authentication step of {@code POST /webhook}, before the body is parsed. A request presents an API
 * key in {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}, or (when
 * {@code INBOUND_SIGNING_SECRET} is set and no key is presented) a Standard Webhooks signature. The
 * caller's name goes into the exchange property {@value FlowProperties#CALLER}. Whether a request must authenticate
 * was decided at start ({@link AuthenticationPolicy}) and never changes: the keys in force may change with a reload,
 * the decision does not. When open, every request passes with no caller.
 */
public class RequestAuthenticator {

    /** Exchange property: the webhook-id accepted for a signed request (for {@link #releaseReplayGuard}). */
    static final String SIGNED_ID = "signed_webhook_id";

    static final String MISSING = "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
    static final String KEY_IN_QUERY = "Credentials are read from headers only, never from the URL: send 'Authorization: "
            + "Bearer <key>' or 'X-API-Key: <key>' (a key that was in a URL may sit in access logs: consider rotating it)";
    static final String INVALID_KEY = "Invalid API key";
    static final String BAD_SIGNATURE = "Invalid webhook signature";
    static final String INCOMPLETE_SIGNATURE =
            "Invalid webhook signature: webhook-id, webhook-timestamp and webhook-signature are all required";
    static final String STALE = "Webhook timestamp outside the allowed tolerance";
    static final String REPLAYED = "Webhook already received (replayed webhook-id)";

    private final CallerKeys keys;
    private final InboundSignatures signatures;
    private final boolean enforced;

    /**
     * @param keys       the API keys in force (GATEWAY_API_KEYS, and CALLERS_FILE's as reloaded)
     * @param signatures {@code null} when no inbound signing secret is configured
     * @param enforced   whether requests must authenticate, as decided at start ({@link AuthenticationPolicy})
     */
    public RequestAuthenticator(CallerKeys keys, InboundSignatures signatures, boolean enforced) {
        this.keys = keys;
        this.signatures = signatures;
        this.enforced = enforced;
    }

    /** True when requests must authenticate: decided at start, the same for the life of the process. */
    public boolean enforced() {
        return enforced;
    }

    /** Sets {@value FlowProperties#CALLER}, or throws {@link AuthenticationFailed} (401). */
    public void authenticate(Exchange exchange) {
        if (!enforced()) {
            return;
        }
        Message in = exchange.getMessage();
        if (RequestCredentials.inQuery(in)) {
            throw new AuthenticationFailed(KEY_IN_QUERY);
        }
        String key = presentedKey(in);
        if (key != null) {
            Optional<String> caller = keys.callerFor(key);
            if (caller.isEmpty()) {
                throw new AuthenticationFailed(INVALID_KEY);
            }
            exchange.setProperty(FlowProperties.CALLER, caller.get());
            return;
        }
        if (signatures != null && hasAnySignatureHeader(in)) {
            verifySignature(exchange, in);
            return;
        }
        throw new AuthenticationFailed(MISSING);
    }

    /** After a 503 the sender will retry with the same webhook-id: let that retry through. */
    public void releaseReplayGuard(Exchange exchange) {
        String id = exchange.getProperty(SIGNED_ID, String.class);
        if (id != null && signatures != null) {
            signatures.forget(id);
            exchange.removeProperty(SIGNED_ID);
        }
    }

    private void verifySignature(Exchange exchange, Message in) {
        byte[] raw = in.getBody(byte[].class);
        in.setBody(raw); // the body is read again by the next steps
        String body = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        String id = RequestCredentials.header(in, WebhookSigner.HEADER_ID);
        InboundSignatures.Result result = signatures.check(id, RequestCredentials.header(in, WebhookSigner.HEADER_TIMESTAMP),
                body, RequestCredentials.header(in, WebhookSigner.HEADER_SIGNATURE));
        switch (result) {
            case VALID:
                exchange.setProperty(FlowProperties.CALLER, signatures.callerName());
                exchange.setProperty(SIGNED_ID, id);
                return;
            case MISSING_HEADER:
                throw new AuthenticationFailed(INCOMPLETE_SIGNATURE);
            case STALE:
                throw new AuthenticationFailed(STALE);
            case REPLAYED:
                throw new AuthenticationFailed(REPLAYED);
            default:
                throw new AuthenticationFailed(BAD_SIGNATURE);
        }
    }

    /** The key from the HTTP headers {@code Authorization: Bearer <key>}, else {@code X-API-Key}; null when neither is sent. */
    static String presentedKey(Message in) {
        String bearer = BearerToken.of(RequestCredentials.header(in, "Authorization"));
        if (bearer != null) {
            return bearer;
        }
        String apiKey = RequestCredentials.header(in, "X-API-Key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.strip();
        }
        return null;
    }

    private static boolean hasAnySignatureHeader(Message in) {
        return RequestCredentials.header(in, WebhookSigner.HEADER_SIGNATURE) != null
                || RequestCredentials.header(in, WebhookSigner.HEADER_ID) != null
                || RequestCredentials.header(in, WebhookSigner.HEADER_TIMESTAMP) != null;
    }
}
