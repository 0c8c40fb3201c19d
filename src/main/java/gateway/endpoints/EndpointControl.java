package gateway.endpoints;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.CallerWebhook;
import gateway.callers.EndpointType;
import gateway.delivery.DeliveryTarget;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.json.Timestamps;

/**
 * What a caller (its own endpoints) and an operator (every endpoint) see and do of the endpoints' health: the list with
 * health and parked counts, pause, resume. Names: a caller's webhook by its name, a caller's callback URLs by
 * {@code callback:<scheme>:<host>:<port>}; {@code WEBHOOK_URL} is the operator's, as caller {@code default}, endpoint
 * {@code default}. An endpoint the caller does not have is a 404, whoever else has it.
 */
public class EndpointControl {

    /** Parked deliveries are counted up to this many per endpoint in a listing. */
    static final long COUNT_CAP = 100_000;

    private final CallerDirectory callers;
    private final String defaultUrl;
    private final EndpointHealthStore health;
    private final HealthRules rules;
    private final DeliveryLane parked;
    private final EndpointNotices notices;
    private final Clock clock;

    public EndpointControl(CallerDirectory callers, String defaultUrl, EndpointHealthStore health, HealthRules rules,
            DeliveryLane parked, EndpointNotices notices, Clock clock) {
        this.callers = callers;
        this.defaultUrl = defaultUrl == null ? "" : defaultUrl.trim();
        this.health = health;
        this.rules = rules;
        this.parked = parked;
        this.notices = notices;
        this.clock = clock;
    }

    /**
     * The endpoint {@code name} of {@code caller} ({@code default}/{@code default}: {@code WEBHOOK_URL}); 404 when the
     * caller has no such endpoint.
     */
    public EndpointRef find(String caller, String name) {
        if (DeliveryTarget.DEFAULT.equals(caller) && DeliveryTarget.DEFAULT.equals(name) && !defaultUrl.isEmpty()) {
            return EndpointRef.DEFAULT;
        }
        Optional<Caller> fileCaller = caller == null ? Optional.empty() : callers.current().fileCaller(caller);
        if (fileCaller.isPresent() && name != null) {
            if (fileCaller.get().webhook(name).isPresent()) {
                return new EndpointRef(caller, name);
            }
            if (isCallbackName(name) && !fileCaller.get().callbackUrls().isEmpty()) {
                return new EndpointRef(caller, name);
            }
        }
        throw new IntakeRejection(404, "No such endpoint: use a name GET /endpoints lists");
    }

    /** A caller's endpoints: its webhooks in the file's order, then the callback URLs it has sent to. */
    public ObjectNode list(String caller) {
        ObjectNode body = Json.object();
        body.put("success", true);
        ArrayNode list = body.putArray("endpoints");
        endpointsOf(caller).forEach(ref -> list.add(view(ref)));
        return body;
    }

    /** Every endpoint: {@code WEBHOOK_URL} (when set), then each caller's. */
    public ObjectNode listAll() {
        ObjectNode body = Json.object();
        body.put("success", true);
        ArrayNode list = body.putArray("endpoints");
        if (!defaultUrl.isEmpty()) {
            list.add(view(EndpointRef.DEFAULT));
        }
        for (Caller caller : callers.current().fileCallers()) {
            endpointsOf(caller.name()).forEach(ref -> list.add(view(ref)));
        }
        return body;
    }

    /** Paused by hand: nothing is sent to it (no probes) until it is resumed; its deliveries are parked. */
    public ObjectNode pause(EndpointRef endpoint, String by) {
        notices.changed(health.update(endpoint, h -> rules.pausedByHand(h, by, clock.instant())));
        return one(endpoint);
    }

    /** Resumed by hand: its parked deliveries go, in order, then new ones. */
    public ObjectNode resume(EndpointRef endpoint, String by) {
        notices.changed(health.update(endpoint, h -> rules.resumedByHand(h, by, clock.instant())));
        return one(endpoint);
    }

    /** One endpoint as the list shows it. */
    public ObjectNode one(EndpointRef endpoint) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.set("endpoint", view(endpoint));
        return body;
    }

    private List<EndpointRef> endpointsOf(String caller) {
        Set<EndpointRef> endpoints = new LinkedHashSet<>();
        if (caller == null) {
            return List.of(); // WEBHOOK_URL is listed by listAll only
        }
        callers.current().fileCaller(caller).ifPresent(c -> c.webhooks()
                .forEach(w -> endpoints.add(new EndpointRef(caller, w.name()))));
        for (EndpointRef stored : health.stored(caller)) {
            if (caller.equals(stored.caller()) && stored.isCallback()) {
                endpoints.add(stored);
            }
        }
        return new ArrayList<>(endpoints);
    }

    private ObjectNode view(EndpointRef endpoint) {
        EndpointHealth h = health.fresh(endpoint);
        ObjectNode view = Json.object();
        view.put("name", endpoint.name());
        if (endpoint.caller() == null) {
            view.put("caller", DeliveryTarget.DEFAULT);
        } else {
            view.put("caller", endpoint.caller());
        }
        Optional<CallerWebhook> webhook = endpoint.caller() == null ? Optional.empty()
                : callers.current().fileCaller(endpoint.caller()).flatMap(c -> c.webhook(endpoint.name()));
        // the default target and callback URLs are webhooks; an endpoint removed from the file since has no type
        view.put("type", endpoint.caller() == null || endpoint.isCallback() ? EndpointType.WEBHOOK.wireName()
                : webhook.map(w -> w.type().wireName()).orElse(null));
        view.put("url", shownUrl(endpoint, webhook));
        if (webhook.isPresent() && webhook.get().type().aws()) {
            view.put("destination", webhook.get().destination());
        }
        view.put("state", h.state().wireName());
        view.put("reason", h.reason());
        view.put("paused_by", h.pausedBy());
        view.put("consecutive_failures", h.consecutiveFailures());
        time(view, "first_failure_at", h.firstFailureAt());
        time(view, "last_failure_at", h.lastFailureAt());
        time(view, "last_success_at", h.lastSuccessAt());
        view.put("last_error", h.lastError());
        time(view, "paused_at", h.state().holdsDeliveries() ? h.pausedAt() : null);
        time(view, "next_probe_at", rules.probeDue(h, h.nextProbeAt() == null ? clock.instant() : h.nextProbeAt())
                ? h.nextProbeAt() : null);
        view.put("parked_deliveries", parked.count(endpoint, COUNT_CAP));
        return view;
    }

    /**
     * The URL without query or user info (a Slack or Teams URL as its scheme and host only); null for callback URLs
     * (many, by scheme, host and port: the name says it) and for SNS and EventBridge endpoints (a destination, no URL).
     */
    private String shownUrl(EndpointRef endpoint, Optional<CallerWebhook> webhook) {
        if (endpoint.caller() == null) {
            return DeliveryTarget.shown(defaultUrl);
        }
        return webhook.filter(w -> w.url() != null).map(CallerWebhook::shownUrl).orElse(null);
    }

    static boolean isCallbackName(String name) {
        return name.startsWith(EndpointRef.CALLBACK_PREFIX) && name.matches("callback:https?:[^/?#\\s]+:[0-9]{1,5}");
    }

    private static void time(ObjectNode json, String field, java.time.Instant at) {
        if (at == null) {
            json.putNull(field);
        } else {
            json.put(field, Timestamps.format(at));
        }
    }
}
