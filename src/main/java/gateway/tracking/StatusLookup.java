package gateway.tracking;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.intake.IntakeRejection;
import gateway.intake.TrackingIds;
import gateway.security.RequestAuthenticator;
import org.apache.camel.Exchange;
import org.slf4j.MDC;

/**
 * {@code GET /webhook/{tracking_id}}: 400 for an id that is not a UUID, 404 for an unknown one, else the
 * {@link StatusView}. When API keys (or inbound signatures) are enforced, only the caller that created
 * the request may read it; anyone else gets the same 404 as for an unknown id, so ids cannot be probed.
 */
public class StatusLookup {

    static final String ALLOWED_METHODS = "GET";

    private final TrackingRecords records;
    private final RequestAuthenticator authenticator;
    private final boolean includeAnswer;

    public StatusLookup(TrackingRecords records, RequestAuthenticator authenticator, boolean includeAnswer) {
        this.records = records;
        this.authenticator = authenticator;
        this.includeAnswer = includeAnswer;
    }

    /** 405 for anything but GET. */
    public void requireGet(Exchange exchange) {
        if (!"GET".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            throw new IntakeRejection(405, "Method not allowed: use GET", Map.of("Allow", ALLOWED_METHODS));
        }
    }

    /** The path's tracking id, checked: sets the property {@code tracking_id}; 400 when it is not a UUID. */
    public void readTrackingId(Exchange exchange) {
        String id = TrackingIds.parse(exchange.getMessage().getHeader("tracking_id", String.class))
                .orElseThrow(() -> IntakeRejection.badRequest("Invalid tracking id: expected a UUID"));
        exchange.setProperty(TrackingIds.PROPERTY, id);
        MDC.put(TrackingIds.PROPERTY, id);
    }

    /** The status view of the record; 404 when there is none, or it belongs to another caller. */
    public ObjectNode find(Exchange exchange) {
        String id = exchange.getProperty(TrackingIds.PROPERTY, String.class);
        ObjectNode record = records.find(id).orElseThrow(StatusLookup::unknown);
        if (authenticator.enforced()
                && !Objects.equals(record.path("caller").asText(null), exchange.getProperty(RequestAuthenticator.CALLER, String.class))) {
            throw unknown();
        }
        return StatusView.of(record, includeAnswer);
    }

    private static IntakeRejection unknown() {
        return new IntakeRejection(404, "Unknown tracking id");
    }
}
