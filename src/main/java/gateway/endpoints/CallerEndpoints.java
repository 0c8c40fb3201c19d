package gateway.endpoints;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.CallerDirectory;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The caller's side of its endpoints' health on the business port ({@code routes.EndpointApiRoute}):
 * {@code GET /endpoints}, {@code POST /endpoints/{name}/pause|resume|recover}. Only a caller of {@code CALLERS_FILE}
 * owns endpoints: a caller of {@code GATEWAY_API_KEYS} (or anyone, on an open gateway) delivers to {@code WEBHOOK_URL},
 * which is the operator's, so it lists none and every name is a 404 to it, as is another caller's endpoint.
 */
public class CallerEndpoints {

    static final String UNKNOWN = "No such endpoint: use a name GET /endpoints lists";
    private static final String PATH_PREFIX = "/endpoints/";

    private final CallerDirectory callers;
    private final EndpointControl control;
    private final EndpointRecovery recovery;

    public CallerEndpoints(CallerDirectory callers, EndpointControl control, EndpointRecovery recovery) {
        this.callers = callers;
        this.control = control;
        this.recovery = recovery;
    }

    /** 405 for anything but GET. */
    public void requireGet(@Header(Exchange.HTTP_METHOD) String method) {
        require("GET", method);
    }

    /** 405 for anything but POST. */
    public void requirePost(@Header(Exchange.HTTP_METHOD) String method) {
        require("POST", method);
    }

    /** The caller's endpoints with their health and parked counts; none for a caller that owns none. */
    public ObjectNode list(@ExchangeProperty(FlowProperties.CALLER) String caller) {
        if (ownsEndpoints(caller)) {
            return control.list(caller);
        }
        ObjectNode none = Json.object();
        none.put("success", true);
        none.putArray("endpoints");
        return none;
    }

    /** Paused by the caller: its deliveries are parked, nothing is sent to it until it is resumed. */
    public ObjectNode pause(@Header(Exchange.HTTP_PATH) String path, @ExchangeProperty(FlowProperties.CALLER) String caller) {
        return control.pause(endpoint(path, caller), EndpointHealth.BY_CALLER);
    }

    /** Resumed by the caller: its parked deliveries go, in order, then new ones. */
    public ObjectNode resume(@Header(Exchange.HTTP_PATH) String path, @ExchangeProperty(FlowProperties.CALLER) String caller) {
        return control.resume(endpoint(path, caller), EndpointHealth.BY_CALLER);
    }

    /** A recover of the endpoint since the body's {@code since} is set up for the recover route (400 for a bad one). */
    public void recover(@Body ObjectNode body, @Header(Exchange.HTTP_PATH) String path,
            @ExchangeProperty(FlowProperties.CALLER) String caller, Exchange exchange) {
        EndpointRef endpoint = endpoint(path, caller);
        recovery.start(endpoint, EndpointRecovery.since(body), exchange);
    }

    /**
     * The caller's endpoint the path names ({@code /endpoints/<name>/<action>}); 404 for another caller's or an unknown
     * one. Read from the path itself: a request header or query parameter called {@code name} cannot stand in for it.
     */
    EndpointRef endpoint(String path, String caller) {
        if (!ownsEndpoints(caller) || path == null || !path.startsWith(PATH_PREFIX)) {
            throw new IntakeRejection(404, UNKNOWN);
        }
        String rest = path.substring(PATH_PREFIX.length());
        int slash = rest.indexOf('/');
        String name = URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
        return control.find(caller, name);
    }

    private boolean ownsEndpoints(String caller) {
        return caller != null && callers.current().fileCaller(caller).isPresent();
    }

    private static void require(String allowed, String method) {
        if (!allowed.equals(method)) {
            throw new IntakeRejection(405, "Method not allowed: use " + allowed, Map.of("Allow", allowed));
        }
    }
}
