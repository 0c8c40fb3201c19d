package gateway.intake;

import java.time.Clock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.http.CorsPolicy;
import gateway.json.Json;
import gateway.json.Timestamps;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The JSON answers of {@code /webhook} (and of {@code /webhook/{tracking_id}}), in the original's shapes. */
public class IntakeResponses {

    public static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    /** Exchange property holding the request's Origin header (request headers are cleared before queueing). */
    public static final String ORIGIN = "request_origin";

    private final CorsPolicy cors;
    private final Clock clock;

    public IntakeResponses(CorsPolicy cors, Clock clock) {
        this.cors = cors;
        this.clock = clock;
    }

    /** 202: the request is on the queue. */
    public void accepted(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("message", "Request queued for processing");
        body.put("tracking_id", exchange.getProperty(FlowProperties.TRACKING_ID, String.class));
        body.put("queued_at", exchange.getProperty(FlowProperties.QUEUED_AT, String.class));
        body.put("status", "queued");
        respond(exchange, 202, body);
        // where the caller can follow it: GET /webhook/{tracking_id}
        exchange.getMessage().setHeader("Location", "/webhook/" + body.get("tracking_id").asText());
    }

    /** 202: the stored result is on the deliveries queue again, once per target ({@link FlowProperties#DELIVERY_TARGETS}). */
    public void resent(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("message", "Result queued for delivery again");
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        body.put("tracking_id", trackingId);
        java.util.List<?> targets = exchange.getProperty(FlowProperties.DELIVERY_TARGETS, java.util.List.class);
        body.put("deliveries", targets == null ? 0 : targets.size());
        respond(exchange, 202, body);
        exchange.getMessage().setHeader("Location", "/webhook/" + trackingId);
    }

    /** 202: the question is cancelled ({@code DELETE /webhook/{tracking_id}}; again for a repeated one). */
    public void cancelled(Exchange exchange) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("message", "Question cancelled");
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        body.put("tracking_id", trackingId);
        body.put("status", "cancelled");
        respond(exchange, 202, body);
        exchange.getMessage().setHeader("Location", "/webhook/" + trackingId);
    }

    /** 200 with the JSON object in the body (the status of a tracked request). */
    public void found(Exchange exchange) {
        respond(exchange, 200, exchange.getMessage().getBody(ObjectNode.class));
    }

    /** The status and message of the {@link IntakeRejection} the route caught. */
    public void rejected(Exchange exchange) {
        IntakeRejection rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, IntakeRejection.class);
        error(exchange, rejection.status(), rejection.getMessage());
        rejection.headers().forEach(exchange.getMessage()::setHeader);
        if (rejection.status() == 405 && !rejection.headers().containsKey("Allow")) {
            exchange.getMessage().setHeader("Allow", ALLOWED_METHODS);
        }
    }

    /**
     * 202 for a repeated {@code Idempotency-Key}: the first request's tracking id and queued_at (already in
     * the exchange properties), the same body as {@link #accepted}, and {@code Idempotent-Replayed: true}.
     */
    public void replayed(Exchange exchange) {
        accepted(exchange);
        exchange.getMessage().setHeader("Idempotent-Replayed", "true");
    }

    /** 503: the queue (or the idempotency-key store) could not be used; the caller may retry. */
    public void unavailable(Exchange exchange) {
        error(exchange, 503, "Service temporarily unavailable");
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    /** 500: a failure no route step answers (routes.HttpApiErrors); nothing of it is shown. */
    public void internalError(Exchange exchange) {
        error(exchange, 500, "Internal error");
    }

    /** 405 for any method but GET, POST and OPTIONS. */
    public void methodNotAllowed(Exchange exchange) {
        error(exchange, 405, "Method not allowed: use POST (or GET to list)");
        exchange.getMessage().setHeader("Allow", ALLOWED_METHODS);
    }

    /** 204 for a CORS preflight. */
    public void preflight(Exchange exchange) {
        String origin = exchange.getProperty(ORIGIN, String.class);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        cors.apply(out, origin);
        out.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
        out.setHeader("Access-Control-Allow-Headers",
                "Content-Type, Authorization, X-API-Key, Idempotency-Key, webhook-id, webhook-timestamp, webhook-signature");
        out.setHeader("Access-Control-Max-Age", "600");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        out.setBody(null);
    }

    void error(Exchange exchange, int status, String message) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        ObjectNode body = Json.object();
        body.put("success", false);
        body.put("error", message);
        body.put("timestamp", Timestamps.now(clock));
        body.put("tracking_id", trackingId != null ? trackingId : TrackingIds.newId());
        respond(exchange, status, body);
    }

    private void respond(Exchange exchange, int status, ObjectNode body) {
        Message out = exchange.getMessage();
        String origin = exchange.getProperty(ORIGIN, String.class);
        out.removeHeaders("*");
        cors.apply(out, origin);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(Json.write(body));
    }
}
