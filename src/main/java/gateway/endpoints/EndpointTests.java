package gateway.endpoints;

import java.time.Clock;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.AttemptReport;
import gateway.delivery.DeliveryOutcome;
import gateway.delivery.DeliveryTarget;
import gateway.delivery.DestinationFailure;
import gateway.delivery.EventMessage;
import gateway.delivery.UndeliverableTarget;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.json.Timestamps;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * {@code POST /endpoints/{name}/test} (Svix's "send example"): one signed {@value #TYPE} event to one of the caller's
 * named endpoints, now, and what came of it. The event is an {@link EventMessage} like the endpoint events, so the
 * delivery stage's own steps send it (its target resolved from {@code CALLERS_FILE} with the endpoint's URL, headers and
 * secrets, signed, through the SSRF guard): see {@code routes.EndpointApiRoute}. One attempt, no retry; it tells the
 * endpoint's health nothing (a test while the receiver is being fixed must not pause the endpoint, nor one success
 * clear its failures) and is not a delivery in the metrics.
 *
 * <pre>{"success":true,"endpoint","webhook_id","delivered","http_status","duration_ms","response_excerpt","error":{"code","message"}|null}</pre>
 */
public class EndpointTests {

    public static final String TYPE = "endpoint.test";
    /** Exchange property: the endpoint under test ({@link EndpointRef}). */
    public static final String ENDPOINT = "tested_endpoint";
    /** Exchange property: the failure of the attempt (null when it was delivered). */
    public static final String FAILURE = "test_failure";

    private final CallerEndpoints endpoints;
    private final EndpointHealthStore health;
    private final Clock clock;

    public EndpointTests(CallerEndpoints endpoints, EndpointHealthStore health, Clock clock) {
        this.endpoints = endpoints;
        this.health = health;
        this.clock = clock;
    }

    /**
     * The event for the caller's endpoint the path names, as a deliveries-queue message: 404 for another caller's, an
     * unknown one, or a caller's callback URLs (many URLs, none of its own to test); 409 when the endpoint holds its
     * deliveries (paused, or resuming: a delivery now would be parked).
     */
    public String event(@Header(Exchange.HTTP_PATH) String path, @ExchangeProperty(FlowProperties.CALLER) String caller,
            Exchange exchange) {
        EndpointRef endpoint = endpoints.endpoint(path, caller);
        if (endpoint.isCallback()) {
            throw new IntakeRejection(404, "No such endpoint to test: callback URLs are tested by a question's callback_url");
        }
        EndpointState state = health.current(endpoint).state();
        if (state.holdsDeliveries()) {
            throw new IntakeRejection(409, "Endpoint " + endpoint.name() + " is " + state.wireName()
                    + ": nothing is sent to it until it is resumed (POST /endpoints/" + endpoint.name() + "/resume)");
        }
        exchange.setProperty(ENDPOINT, endpoint);
        String eventId = "evt_" + UUID.randomUUID();
        String webhookId = eventId + "_" + endpoint.name();
        ObjectNode message = Json.object();
        message.put("message_type", EventMessage.MESSAGE_TYPE);
        message.put("event_id", eventId);
        message.put("type", TYPE);
        message.put("timestamp", Timestamps.now(clock));
        ObjectNode data = message.putObject("data");
        data.put("caller", endpoint.caller());
        data.put("endpoint", endpoint.name());
        data.put("message", "A test event, sent on request (POST /endpoints/" + endpoint.name() + "/test): no question is behind it");
        message.put("webhook_id", webhookId);
        // the URL here is only the target's record; the resolver takes the endpoint's URL from CALLERS_FILE, as it does
        // for every delivery (so it is never read from or written to anything but the POST itself)
        message.set("target", new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, endpoint.caller(), endpoint.name(), null,
                webhookId).toJson());
        return Json.write(message);
    }

    /** The attempt failed (the route's catch): its time and the receiver's words, as a delivery's attempt log has them. */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(FAILURE, cause);
        AttemptReport.failed(exchange, cause);
    }

    /** The answer: delivered or not, the receiver's status, how long it took, the start of its body, the error. */
    public ObjectNode result(Exchange exchange) {
        EndpointRef endpoint = exchange.getProperty(ENDPOINT, EndpointRef.class);
        Throwable failure = exchange.getProperty(FAILURE, Throwable.class);
        ObjectNode result = Json.object();
        result.put("success", true);
        result.put("endpoint", endpoint.name());
        result.put("webhook_id", exchange.getProperty(FlowProperties.WEBHOOK_ID, String.class));
        result.put("delivered", failure == null);
        Integer status = failure == null ? exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)
                : failure instanceof HttpOperationFailedException http ? Integer.valueOf(http.getStatusCode())
                : failure instanceof DestinationFailure destination ? destination.httpStatus() : null;
        result.put("http_status", status);
        Long duration = exchange.getProperty(FlowProperties.ATTEMPT_DURATION_MS, Long.class);
        result.put("duration_ms", duration == null ? 0L : duration);
        result.put("response_excerpt", exchange.getProperty(FlowProperties.RESPONSE_EXCERPT, String.class));
        if (failure == null) {
            result.putNull("error");
        } else {
            ObjectNode error = result.putObject("error");
            if (failure instanceof UndeliverableTarget gone) {
                // removed from CALLERS_FILE between the lookup and the send
                error.put("code", gone.reason()).put("message", "the endpoint can no longer be used (" + gone.reason() + ")");
            } else {
                DeliveryOutcome.Failure why = DeliveryOutcome.failure(failure, null);
                error.put("code", why.code()).put("message", why.detail());
            }
        }
        return result;
    }
}
