package gateway.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.CallerWebhook;
import gateway.delivery.DeliveryTarget;
import gateway.delivery.EventMessage;
import gateway.json.Json;
import org.apache.camel.ProducerTemplate;

/**
 * The webhooks of a question's {@code query.started} and {@code query.progress} events: to each of the caller's endpoints
 * whose {@code events} list the type, or to the request's {@code callback_url} when its {@code events} list it (an
 * endpoint without {@code events}, a callback without them, gets the final events only, as before). Each is sent once,
 * signed, through the delivery stage's attempt (the SSRF guard, the endpoint's health: a paused endpoint gets none), by
 * the route {@value #ROUTE}; a progress event that fails is not tried again: the next one, and the final event, follow.
 * Each has its own webhook-id, {@code evt_<tracking id>_<event id>_<endpoint>}.
 */
public class QuestionWebhooks {

    public static final String ROUTE = "direct:send-question-event";

    private final CallerDirectory callers;
    private final ProducerTemplate routes;

    public QuestionWebhooks(CallerDirectory callers, ProducerTemplate routes) {
        this.callers = callers;
        this.routes = routes;
    }

    /** Who gets events of {@code type} of the request {@code request} of {@code caller}. */
    public List<DeliveryTarget> targets(String caller, JsonNode request, String type) {
        List<DeliveryTarget> targets = new ArrayList<>();
        JsonNode callback = request == null ? null : request.get("callback_url");
        if (callback != null && callback.isTextual() && !callback.textValue().isBlank()) {
            if (listed(request.get("events"), type)) {
                targets.add(new DeliveryTarget(DeliveryTarget.Kind.CALLBACK, caller, null, callback.textValue(), DeliveryTarget.CALLBACK));
            }
            return targets;
        }
        Optional<Caller> fileCaller = caller == null ? Optional.empty() : callers.current().fileCaller(caller);
        fileCaller.ifPresent(c -> {
            for (CallerWebhook webhook : c.webhooksFor(type)) {
                targets.add(new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, caller, webhook.name(), webhook.targetUrl(),
                        webhook.name()));
            }
        });
        return targets;
    }

    /** Sends the event to each target, one after the other (the caller's thread: a run's sender, in order). */
    public void send(String trackingId, QuestionEvent event, List<DeliveryTarget> targets) {
        for (DeliveryTarget target : targets) {
            String webhookId = "evt_" + trackingId + "_" + event.id() + "_" + target.webhookId();
            DeliveryTarget withId = new DeliveryTarget(target.kind(), target.caller(), target.endpoint(), target.url(), webhookId);
            ObjectNode message = Json.object();
            message.put("message_type", EventMessage.QUESTION_EVENT);
            message.put("tracking_id", trackingId);
            message.put("type", event.type());
            message.put("timestamp", event.at());
            message.set("data", event.data());
            message.put("webhook_id", webhookId);
            message.set("target", withId.toJson());
            routes.sendBody(ROUTE, Json.write(message));
        }
    }

    private static boolean listed(JsonNode events, String type) {
        if (events == null || !events.isArray()) {
            return false;
        }
        for (JsonNode event : events) {
            if (type.equals(event.asText())) {
                return true;
            }
        }
        return false;
    }
}
