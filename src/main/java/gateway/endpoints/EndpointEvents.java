package gateway.endpoints;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.CallerWebhook;
import gateway.delivery.DeliveryTarget;
import gateway.delivery.EventMessage;
import gateway.json.Json;
import gateway.json.Timestamps;

/**
 * The events of an endpoint's health, {@code endpoint.paused} and {@code endpoint.resumed}: a message on the deliveries
 * queue for each other endpoint of the same caller that lists the event type in its {@code events}, delivered, signed and
 * retried like an answer (its own {@code webhook-id}, no tracking id): an {@link EventMessage}:
 * <pre>{"message_type":"endpoint_event","event_id":"evt_&lt;uuid&gt;","type","timestamp",
 *  "data":{"caller","endpoint","state","reason","paused_at","consecutive_failures","last_error"}}</pre>
 * and what the receiver gets: {@code {"type","timestamp","data":{...}}}.
 */
public class EndpointEvents {

    public static final String PAUSED = "endpoint.paused";
    public static final String RESUMED = "endpoint.resumed";

    private final CallerDirectory callers;

    public EndpointEvents(CallerDirectory callers) {
        this.callers = callers;
    }

    /** The event a state change makes, if any: into paused, or out of paused into resuming. */
    public static Optional<String> typeOf(EndpointHealthStore.Change change) {
        EndpointState before = change.before().state();
        EndpointState after = change.after().state();
        if (after == EndpointState.PAUSED && before != EndpointState.PAUSED) {
            return Optional.of(PAUSED);
        }
        if (before == EndpointState.PAUSED && after == EndpointState.RESUMING) {
            return Optional.of(RESUMED);
        }
        return Optional.empty();
    }

    /** The event's message for the deliveries queue (without its target: the fan-out adds one per receiver). */
    public ObjectNode message(String type, EndpointHealth health, Instant at) {
        ObjectNode message = Json.object();
        message.put("message_type", EventMessage.MESSAGE_TYPE);
        message.put("event_id", "evt_" + UUID.randomUUID());
        message.put("type", type);
        message.put("timestamp", Timestamps.format(at));
        ObjectNode data = message.putObject("data");
        data.put("caller", health.endpoint().caller());
        data.put("endpoint", health.endpoint().name());
        data.put("state", health.state().wireName());
        data.put("reason", health.reason());
        data.put("paused_at", health.pausedAt() == null ? null : Timestamps.format(health.pausedAt()));
        data.put("consecutive_failures", health.consecutiveFailures());
        data.put("last_error", health.lastError());
        return message;
    }

    /** The caller's other endpoints that take {@code type}: one target each, its webhook-id the event's and its name. */
    public List<DeliveryTarget> targets(EndpointRef endpoint, String type, String eventId) {
        List<DeliveryTarget> targets = new ArrayList<>();
        if (endpoint.caller() == null) {
            return targets; // WEBHOOK_URL belongs to the operator: the log and the gauges tell them
        }
        Optional<Caller> caller = callers.current().fileCaller(endpoint.caller());
        if (caller.isEmpty()) {
            return targets;
        }
        for (CallerWebhook webhook : caller.get().webhooksFor(type)) {
            if (!webhook.name().equals(endpoint.name())) {
                targets.add(new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, endpoint.caller(), webhook.name(),
                        webhook.targetUrl(), eventId + "_" + webhook.name()));
            }
        }
        return targets;
    }
}
