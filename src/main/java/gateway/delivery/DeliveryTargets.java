package gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.CallerWebhook;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.tracking.DeliveryEntries;
import gateway.tracking.RecordLookup;
import gateway.tracking.TrackingStatus;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who receives a request's result, chosen once when the result is ready (and kept in its tracking record, so a
 * resend goes to the same targets):
 * <ul>
 *   <li>the request's {@code callback_url}, when it gave one (the intake checked it against the caller's
 *       {@code callback_urls}): there only;</li>
 *   <li>else, for a caller of {@code CALLERS_FILE}: each of its webhooks whose {@code events} include the result's
 *       event type ({@code query.answered} / {@code query.failed} / {@code query.cancelled}); possibly none;</li>
 *   <li>else (a caller of {@code GATEWAY_API_KEYS}, the inbound-signature caller, an open gateway):
 *       {@code WEBHOOK_URL}, as the original did.</li>
 * </ul>
 * Each target's {@code webhook-id} is the result's ({@code msg_<tracking id>}) for {@code WEBHOOK_URL}, with
 * {@code _<endpoint>} or {@code _callback} appended for the others: stable across retries, resends and a
 * re-enqueue after a crash, and different for each receiver.
 */
public class DeliveryTargets {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryTargets.class);

    private final CallerDirectory callers;
    private final String defaultUrl;
    private final String inboundCaller;

    /** @param inboundCaller the caller name of signed inbound requests (they deliver to {@code WEBHOOK_URL}); null if none */
    public DeliveryTargets(CallerDirectory callers, String defaultUrl, String inboundCaller) {
        this.callers = callers;
        this.defaultUrl = defaultUrl == null ? "" : defaultUrl.trim();
        this.inboundCaller = inboundCaller;
    }

    /** The targets of the result in the body (a delivery message), for the request's caller. */
    public List<DeliveryTarget> select(@Body String result, @ExchangeProperty(FlowProperties.CALLER) String caller) {
        JsonNode root = parse(result);
        String baseId = root.path("webhook_id").asText(null);
        String event = DeliveryMessage.eventType(root.path("status").asText());
        JsonNode callback = root.path("webhook_request").path("callback_url");
        if (callback.isTextual() && !callback.textValue().isBlank()) {
            // the request's events, when it chose them, filter its callback's as an endpoint's do
            JsonNode chosen = root.path("webhook_request").path("events");
            if (chosen.isArray() && java.util.stream.StreamSupport.stream(chosen.spliterator(), false)
                    .noneMatch(e -> event.equals(e.asText()))) {
                return List.of();
            }
            return List.of(new DeliveryTarget(DeliveryTarget.Kind.CALLBACK, caller, null, callback.textValue(),
                    baseId + "_" + DeliveryTarget.CALLBACK));
        }
        Optional<Caller> fileCaller = caller == null ? Optional.empty() : callers.current().fileCaller(caller);
        if (fileCaller.isPresent()) {
            List<DeliveryTarget> targets = new ArrayList<>();
            for (CallerWebhook webhook : fileCaller.get().webhooksFor(event)) {
                targets.add(new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, caller, webhook.name(), webhook.targetUrl(),
                        baseId + "_" + webhook.name()));
            }
            return targets;
        }
        if (caller != null && !caller.equals(inboundCaller) && !callers.current().settingsCallerNames().contains(caller)) {
            // a caller of the callers file that a reload has removed: its answers never go to another receiver
            LOG.warn("Caller '{}' is no longer configured: its result is not delivered anywhere", caller);
            return List.of();
        }
        return List.of(new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, defaultUrl, baseId));
    }

    /**
     * On a later receive of a request whose result is already stored (a crash before its request was deleted): the
     * targets whose delivery never started, from the record's deliveries ({@link gateway.tracking.RecordLookup#STORED_DELIVERIES});
     * the others have their messages already. A record written before deliveries went per target has no entries:
     * then the result goes to its targets as chosen now unless the delivery stage had it already. Empty when no
     * result is stored.
     */
    public List<DeliveryTarget> notStarted(@ExchangeProperty(RecordLookup.STORED_DELIVERY) String stored,
            @ExchangeProperty(RecordLookup.STORED_DELIVERIES) JsonNode deliveries,
            @ExchangeProperty(RecordLookup.STORED_STATUS) String status, @ExchangeProperty(FlowProperties.CALLER) String caller) {
        if (stored == null) {
            return List.of();
        }
        if (deliveries != null) {
            return DeliveryEntries.notStarted(deliveries);
        }
        TrackingStatus reached = TrackingStatus.fromWire(status);
        return reached != null && reached.deliveryStarted() ? List.of() : select(stored, caller);
    }

    /**
     * Which delivery a message of the deliveries queue is (a dead letter found by the sweep): sets
     * {@link FlowProperties#WEBHOOK_ID} and {@link FlowProperties#DELIVERY_TARGET}; nothing for an unreadable one.
     */
    public static void identify(@Body String message, Exchange exchange) {
        try {
            DeliveryMessage delivery = DeliveryMessage.parse(message);
            DeliveryTarget target = delivery.targetOrDefault();
            exchange.setProperty(FlowProperties.WEBHOOK_ID, target.webhookId());
            exchange.setProperty(FlowProperties.DELIVERY_TARGET, target);
        } catch (IllegalArgumentException e) {
            // an unreadable dead letter: the record's delivery entries stay as they are
        }
    }

    private static JsonNode parse(String result) {
        try {
            JsonNode node = result == null ? null : Json.MAPPER.readTree(result);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // falls through
        }
        throw new IllegalArgumentException("the result to deliver is not a JSON object");
    }
}
