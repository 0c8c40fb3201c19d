package gateway.answer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.flow.QueueAttributes;
import gateway.intake.RequestQueueMessage;
import gateway.intake.SessionFields;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.slf4j.MDC;

/**
 * Reads a message of the requests queue (the intake's {@code webhook_processing_request}) for the
 * agent stage: the request, its tracking id and its query become exchange properties, and so does its agent
 * session ({@link FlowProperties#AGENT_SESSION_ID}), computed again here from the caller and the request's
 * {@code session_id}: never taken from a message attribute, which whoever can write to the queue could set.
 */
public class RequestMessageReader {

    /** Returns the query; throws {@link MalformedMessageException} for a message that can never work. */
    public String read(@Body String body, Exchange exchange) {
        JsonNode root;
        try {
            root = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedMessageException("request message is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("request message is not a JSON object");
        }
        if (!RequestQueueMessage.MESSAGE_TYPE.equals(root.path("message_type").asText())) {
            throw new MalformedMessageException("request message has message_type '"
                    + bounded(root.path("message_type").asText()) + "'");
        }
        String trackingId = root.path("tracking_id").asText("");
        JsonNode request = root.get("webhook_request");
        if (trackingId.isBlank() || request == null || !request.isObject()) {
            throw new MalformedMessageException("request message lacks tracking_id or webhook_request");
        }
        JsonNode query = request.get("query");
        if (query == null || !query.isTextual() || query.textValue().isBlank()) {
            throw new MalformedMessageException("request message has no query");
        }
        JsonNode sessionId = request.get(SessionFields.SESSION_ID);
        if (sessionId != null && !sessionId.isNull() && !(sessionId.isTextual() && AgentSessions.isValid(sessionId.textValue()))) {
            throw new MalformedMessageException("request message has an invalid session_id");
        }
        String caller = root.path("caller").asText(null);
        exchange.setProperty(FlowProperties.TRACKING_ID, trackingId);
        exchange.setProperty(FlowProperties.RECEIVED_MESSAGE, body);
        // kept before the SQS headers are replaced (a failure result or a DLQ entry of this receive still needs it)
        exchange.setProperty(DeadLetters.RECEIVE_COUNT, DeadLetters.receiveCount(exchange));
        exchange.setProperty(DeadLetters.REDRIVES, DeadLetters.redrives(exchange));
        exchange.setProperty(FlowProperties.REQUEST, (ObjectNode) request);
        exchange.setProperty(FlowProperties.QUEUED_AT, root.path("queued_at").asText(null));
        exchange.setProperty(FlowProperties.CALLER, caller);
        exchange.setProperty(FlowProperties.AGENT_SESSION_ID, SessionFields.agentSessionId((ObjectNode) request, caller, trackingId));
        exchange.getMessage().setHeader(QueueAttributes.TRACKING_ID, trackingId);
        MDC.put(FlowProperties.TRACKING_ID, trackingId);
        return query.textValue();
    }

    private static String bounded(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
