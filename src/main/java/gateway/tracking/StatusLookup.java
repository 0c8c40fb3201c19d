package gateway.tracking;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.intake.TrackingIds;
import gateway.security.RequestAuthenticator;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.MDC;

/**
 * {@code GET /webhook/{tracking_id}}: 400 for an id that is not a UUID, 404 for an unknown one, else the
 * {@link StatusView}. When API keys (or inbound signatures) are enforced, only the caller that created
 * the request may read it; anyone else gets the same 404 as for an unknown id, so ids cannot be probed.
 */
public class StatusLookup {

    static final String ALLOWED_METHODS = "GET, DELETE";
    private static final String PATH_PREFIX = "/webhook/";

    private final RequestAuthenticator authenticator;
    private final boolean includeAnswer;
    private final StatusView.EndpointStates endpointStates;

    /** @param endpointStates the state of a parked delivery's endpoint, shown beside it */
    public StatusLookup(RequestAuthenticator authenticator, boolean includeAnswer, StatusView.EndpointStates endpointStates) {
        this.authenticator = authenticator;
        this.includeAnswer = includeAnswer;
        this.endpointStates = endpointStates;
    }

    /** 405 for anything but GET (DELETE, the cancel, has its own route). */
    public void requireGet(@Header(Exchange.HTTP_METHOD) String method) {
        if (!"GET".equals(method)) {
            throw new IntakeRejection(405, "Method not allowed: use GET (or DELETE to cancel)", Map.of("Allow", ALLOWED_METHODS));
        }
    }

    /** 405 for anything but GET (the event stream: {@code GET /webhook/{tracking_id}/events}). */
    public void requireGetOnly(@Header(Exchange.HTTP_METHOD) String method) {
        if (!"GET".equals(method)) {
            throw new IntakeRejection(405, "Method not allowed: use GET", Map.of("Allow", "GET"));
        }
    }

    /**
     * The path's tracking id ({@code /webhook/<id>[/...]}), checked: sets the property {@code tracking_id}; 400 when it is
     * not a UUID. Read from the request's path itself: a header or query parameter called {@code tracking_id} cannot
     * stand in for it (Camel puts the path parameter among the request's own headers and parameters).
     */
    public void readTrackingId(@Header(Exchange.HTTP_PATH) String path, Exchange exchange) {
        String rest = path != null && path.startsWith(PATH_PREFIX) ? path.substring(PATH_PREFIX.length()) : "";
        int slash = rest.indexOf('/');
        String id = TrackingIds.parse(slash < 0 ? rest : rest.substring(0, slash))
                .orElseThrow(() -> IntakeRejection.badRequest("Invalid tracking id: expected a UUID"));
        exchange.setProperty(FlowProperties.TRACKING_ID, id);
        MDC.put(FlowProperties.TRACKING_ID, id);
    }

    /**
     * The status view of the record as read ({@link TrackingRecords#STORED_RECORD}); 404 when there is none, or
     * it belongs to another caller; {@link RecordStoreUnavailable} when the store could not be read.
     */
    public ObjectNode find(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored,
            @ExchangeProperty(RecordLookup.STORE_UNAVAILABLE) Boolean unavailable,
            @ExchangeProperty(FlowProperties.CALLER) String caller) {
        return StatusView.of(owned(stored, unavailable, caller), includeAnswer, endpointStates);
    }

    /**
     * The record as read, when it is the caller's ({@code POST /webhook/{tracking_id}/resend} too); 404 when there is
     * none, or it belongs to another caller; {@link RecordStoreUnavailable} when the store could not be read.
     */
    public ObjectNode owned(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored,
            @ExchangeProperty(RecordLookup.STORE_UNAVAILABLE) Boolean unavailable,
            @ExchangeProperty(FlowProperties.CALLER) String caller) {
        if (Boolean.TRUE.equals(unavailable)) {
            throw new RecordStoreUnavailable("record store: cannot read the record", null);
        }
        if (stored == null || (authenticator.enforced() && !Objects.equals(stored.record().path("caller").asText(null), caller))) {
            throw unknown();
        }
        return stored.record();
    }

    private static IntakeRejection unknown() {
        return new IntakeRejection(404, "Unknown tracking id");
    }
}
