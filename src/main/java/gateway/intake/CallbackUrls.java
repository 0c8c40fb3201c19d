package gateway.intake;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.flow.FlowProperties;
import gateway.net.AddressGuard;
import gateway.net.BlockedAddressException;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * The optional {@code callback_url} of {@code POST /webhook}: where this request's result goes instead of the
 * caller's endpoints. Accepted only when it matches one of the caller's {@code callback_urls} patterns
 * ({@code CALLERS_FILE}), is {@code https} (in prod, unless {@code ALLOW_INSECURE_WEBHOOK_URL=true}), and its host
 * resolves to addresses the SSRF guard allows. (The guard checks again at connect time: a name that resolves
 * elsewhere later is still refused.) Every refusal is a 400 and nothing is queued.
 */
public class CallbackUrls {

    public static final String FIELD = "callback_url";
    static final int MAX_CHARS = 2048;
    static final String NOT_ALLOWED = "callback_url is not allowed for this caller";

    private final CallerDirectory callers;
    private final AddressGuard guard;
    private final boolean httpAllowed;

    public CallbackUrls(CallerDirectory callers, AddressGuard guard, boolean httpAllowed) {
        this.callers = callers;
        this.guard = guard;
        this.httpAllowed = httpAllowed;
    }

    public void check(@Body ObjectNode request, @ExchangeProperty(FlowProperties.CALLER) String caller) {
        JsonNode value = request.get(FIELD);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw IntakeRejection.badRequest("Field 'callback_url' must be a string: an absolute https URL");
        }
        URI url = parse(value.textValue());
        if (!httpAllowed && !"https".equals(url.getScheme().toLowerCase(Locale.ROOT))) {
            throw IntakeRejection.badRequest("callback_url must be an https URL");
        }
        Optional<Caller> owner = caller == null ? Optional.empty() : callers.current().fileCaller(caller);
        if (owner.isEmpty() || !owner.get().allowsCallback(url)) {
            throw IntakeRejection.badRequest(NOT_ALLOWED);
        }
        try {
            guard.checkHost(url.getHost());
        } catch (BlockedAddressException e) {
            throw IntakeRejection.badRequest("callback_url resolves to a blocked address");
        } catch (UnknownHostException e) {
            throw IntakeRejection.badRequest("callback_url's host cannot be resolved");
        }
    }

    private static URI parse(String text) {
        if (text.length() > MAX_CHARS) {
            throw IntakeRejection.badRequest("callback_url is longer than " + MAX_CHARS + " characters");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw IntakeRejection.badRequest("callback_url is not a valid URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw IntakeRejection.badRequest("callback_url must be an absolute http(s) URL with a host, without user info or fragment");
        }
        return url;
    }
}
