package gateway.admin;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.endpoints.EndpointControl;
import gateway.endpoints.EndpointHealth;
import gateway.endpoints.EndpointRecovery;
import gateway.endpoints.EndpointRef;
import gateway.intake.JsonRequestBody;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;

/**
 * The operator's side of the endpoints' health on the management port ({@link ManagementEndpoints}): every endpoint
 * ({@code WEBHOOK_URL} as caller {@code default}, endpoint {@code default}, then each caller's), and pause, resume and
 * recover of any of them, by caller and name. The same steps as the caller's own calls: a recover is the same route
 * ({@code routes.EndpointHealthRoute#RECOVER}). An unknown endpoint is an {@code IntakeRejection} 404, a bad body or
 * {@code since} 400 (415, 413), the store down a {@code StoreUnavailable}.
 */
public final class EndpointAdmin {

    private final EndpointControl control;
    private final EndpointRecovery recovery;
    private final JsonRequestBody body;
    private final ProducerTemplate routes;
    private final String recoverRoute;

    /** @param recoverRoute the recover route ({@code routes.EndpointHealthRoute#RECOVER}), called with {@code routes} */
    public EndpointAdmin(EndpointControl control, EndpointRecovery recovery, JsonRequestBody body, ProducerTemplate routes,
            String recoverRoute) {
        this.control = control;
        this.recovery = recovery;
        this.body = body;
        this.routes = routes;
        this.recoverRoute = recoverRoute;
    }

    public ObjectNode list() {
        return control.listAll();
    }

    public ObjectNode pause(String caller, String name) {
        return control.pause(control.find(caller, name), EndpointHealth.BY_OPERATOR);
    }

    public ObjectNode resume(String caller, String name) {
        return control.resume(control.find(caller, name), EndpointHealth.BY_OPERATOR);
    }

    /** The recover of the endpoint since the request body's {@code since}; its answer. */
    public ObjectNode recover(String caller, String name, String contentType, byte[] request) {
        EndpointRef endpoint = control.find(caller, name);
        JsonNode json = body.readBytes(contentType, request);
        Instant since = EndpointRecovery.since(json);
        Exchange done = routes.send(recoverRoute, exchange -> recovery.start(endpoint, since, exchange));
        if (done.getException() != null) {
            throw RuntimeCamelException.wrapRuntimeCamelException(done.getException());
        }
        return done.getMessage().getBody(ObjectNode.class);
    }
}
