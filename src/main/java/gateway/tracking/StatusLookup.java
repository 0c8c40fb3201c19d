package gateway.tracking;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>{@code ?include=content} adds the question's text and its answer ({@link StatusView}) for that caller, whatever
 * {@code STATUS_INCLUDE_ANSWER} says; 403 when the operator turned it off ({@code STATUS_CONTENT_ON_REQUEST=false}), 400
 * for any other {@code include}.
 */
public class StatusLookup {

    static final String ALLOWED_METHODS = "GET, DELETE";
    private static final String PATH_PREFIX = "/webhook/";
    /** Exchange property: the caller asked for the question's content ({@code ?include=content}). */
    public static final String INCLUDE_CONTENT = "include_content";
    static final String CONTENT = "content";
    static final String CONTENT_OFF = "include=content is turned off on this gateway (STATUS_CONTENT_ON_REQUEST=false)";

    private final RequestAuthenticator authenticator;
    private final boolean includeAnswer;
    private final boolean contentOnRequest;
    private final StatusView.EndpointStates endpointStates;

    /** @param endpointStates the state of a parked delivery's endpoint, shown beside it */
    public StatusLookup(RequestAuthenticator authenticator, boolean includeAnswer, StatusView.EndpointStates endpointStates) {
        this(authenticator, includeAnswer, true, endpointStates);
    }

    /** @param contentOnRequest whether a caller may ask for its question's content ({@code ?include=content}) */
    public StatusLookup(RequestAuthenticator authenticator, boolean includeAnswer, boolean contentOnRequest,
            StatusView.EndpointStates endpointStates) {
        this.authenticator = authenticator;
        this.includeAnswer = includeAnswer;
        this.contentOnRequest = contentOnRequest;
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
     * The query's {@code include} (read from the request's query itself, never a header of that name): sets the
     * property {@value #INCLUDE_CONTENT} when it is {@code content}; 400 for any other value, 403 when the operator has
     * turned {@code include=content} off. Other query parameters are left alone, as before.
     */
    public void readInclude(@Header(Exchange.HTTP_QUERY) String query, Exchange exchange) {
        boolean content = false;
        for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!"include".equals(name)) {
                continue;
            }
            if (eq < 0 || !CONTENT.equals(decode(pair.substring(eq + 1)))) {
                throw IntakeRejection.badRequest("Invalid include: the only value is include=content");
            }
            content = true;
        }
        if (content && !contentOnRequest) {
            throw new IntakeRejection(403, CONTENT_OFF);
        }
        exchange.setProperty(INCLUDE_CONTENT, content);
    }

    /**
     * The status view of the record as read ({@link TrackingRecords#STORED_RECORD}); 404 when there is none, or
     * it belongs to another caller; {@link RecordStoreUnavailable} when the store could not be read. With
     * {@value #INCLUDE_CONTENT}, the question's text and its answer too.
     */
    public ObjectNode find(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored,
            @ExchangeProperty(RecordLookup.STORE_UNAVAILABLE) Boolean unavailable,
            @ExchangeProperty(FlowProperties.CALLER) String caller,
            @ExchangeProperty(INCLUDE_CONTENT) Boolean includeContent) {
        return StatusView.of(owned(stored, unavailable, caller), includeAnswer, Boolean.TRUE.equals(includeContent), endpointStates);
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

    private static String decode(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw IntakeRejection.badRequest("Invalid query string");
        }
    }

    private static IntakeRejection unknown() {
        return new IntakeRejection(404, "Unknown tracking id");
    }
}
