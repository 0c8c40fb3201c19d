package gateway.chat;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.callers.EndpointType;
import gateway.delivery.DeliveryMessage;
import gateway.delivery.EventMessage;
import gateway.endpoints.EndpointEvents;
import gateway.endpoints.EndpointTests;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The delivery route's render step for a Slack or Teams endpoint: the body the chat service gets instead of the webhook
 * payload, built from the delivery message as received ({@link FlowProperties#RECEIVED_MESSAGE}, kept by
 * {@code OutboundWebhook.prepare}, which has already left out the signature and the {@code X-*} headers):
 * <ul>
 *   <li>an answer, a failure or a cancellation ({@code query.answered}, {@code query.failed},
 *       {@code query.cancelled}): the question and its answer, {@link SlackMessage} / {@link TeamsCard};</li>
 *   <li>{@code endpoint.test} ({@code POST /endpoints/{name}/test}): a short test message;</li>
 *   <li>{@code endpoint.paused} / {@code endpoint.resumed} of another endpoint of the caller: a short notice saying which
 *       endpoint, why, and what its owner does next.</li>
 * </ul>
 * A question's start and progress never reach a chat endpoint (the callers file refuses them in its {@code events}).
 */
public class ChatMessages {

    private final SlackMessage slack;
    private final TeamsCard teams;

    public ChatMessages(SlackMessage slack, TeamsCard teams) {
        this.slack = slack;
        this.teams = teams;
    }

    /** The chat message's JSON for the delivery's endpoint type (Slack or Teams). */
    public String render(@ExchangeProperty(FlowProperties.RECEIVED_MESSAGE) String received,
            @ExchangeProperty(FlowProperties.ENDPOINT_TYPE) EndpointType type, Exchange exchange) {
        if (type == null || !type.chat()) {
            throw new IllegalStateException("not a chat endpoint: " + type);
        }
        JsonNode json = Json.parseOrNull(received);
        String body;
        try {
            if (EventMessage.is(json)) {
                ChatNotice notice = notice(EventMessage.parse(json));
                body = type == EndpointType.SLACK ? slack.render(notice) : teams.render(notice);
            } else {
                ChatDelivery delivery = ChatDelivery.of(DeliveryMessage.parse(received));
                body = type == EndpointType.SLACK ? slack.render(delivery) : teams.render(delivery);
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return body;
    }

    /** The short message of a gateway event (a test, an endpoint's pause or resume). */
    static ChatNotice notice(EventMessage event) {
        JsonNode data = event.data();
        String endpoint = data.path("endpoint").asText("");
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Caller", data.path("caller").asText(null));
        facts.put("Endpoint", endpoint);
        return switch (event.type()) {
            case EndpointTests.TYPE -> new ChatNotice("Test message",
                    "A test message from the AI webhook gateway, sent on request (POST /endpoints/" + endpoint
                            + "/test): answers to this endpoint's questions will appear here.", facts);
            case EndpointEvents.PAUSED -> {
                facts.put("Last error", data.path("last_error").asText(null));
                facts.put("Paused at", data.path("paused_at").asText(null));
                yield new ChatNotice("Endpoint paused", "Endpoint " + endpoint + " is paused"
                        + reason(data) + ". Its deliveries wait until it is resumed (POST /endpoints/" + endpoint
                        + "/resume).", facts);
            }
            case EndpointEvents.RESUMED -> new ChatNotice("Endpoint resumed", "Endpoint " + endpoint
                    + " is resuming: the deliveries it held are being sent, in order.", facts);
            default -> {
                facts.put("Event", event.type());
                yield new ChatNotice("Gateway event", "The gateway sent an event of type " + event.type() + ".", facts);
            }
        };
    }

    private static String reason(JsonNode data) {
        String reason = data.path("reason").asText("");
        return reason.isBlank() ? "" : " (" + reason.strip() + ")";
    }
}
