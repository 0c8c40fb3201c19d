package gateway.intake;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The conversation fields of {@code POST /webhook}, all optional: {@code session_id} (the caller's own
 * conversation, validated as Bedrock validates a sessionId), {@code session_attributes} and
 * {@code prompt_session_attributes} (JSON objects of strings, passed to the agent as InvokeAgent
 * {@code sessionState}). Checked at the intake ({@link #check}: 400 for a wrong type, count or key, 413 for an
 * object whose JSON is too large; attributes refused in knowledge-base mode, where retrieveAndGenerate has no
 * session state); read again from the queued request by the agent stage (the static readers), so nothing on
 * the queue but the request itself decides the session. A null field counts as absent.
 */
public class SessionFields {

    public static final String SESSION_ID = "session_id";
    public static final String SESSION_ATTRIBUTES = "session_attributes";
    public static final String PROMPT_SESSION_ATTRIBUTES = "prompt_session_attributes";
    /** Characters of an attribute key. */
    static final int MAX_KEY_CHARS = 100;
    static final String NOT_IN_KNOWLEDGE_BASE_MODE = "session attributes are not supported in knowledge-base mode";

    private final int maxKeys;
    private final int maxBytes;
    private final boolean knowledgeBaseMode;

    /**
     * @param maxKeys  most keys in one attributes object ({@code SESSION_ATTRIBUTES_MAX_KEYS})
     * @param maxBytes most UTF-8 bytes of one attributes object's JSON ({@code SESSION_ATTRIBUTES_MAX_BYTES})
     * @param knowledgeBaseMode {@code AGENT_MODE=knowledge-base}: attributes are refused
     */
    public SessionFields(int maxKeys, int maxBytes, boolean knowledgeBaseMode) {
        if (maxKeys < 1 || maxBytes < 2) {
            throw new IllegalArgumentException("SESSION_ATTRIBUTES_MAX_KEYS and SESSION_ATTRIBUTES_MAX_BYTES must be positive");
        }
        this.maxKeys = maxKeys;
        this.maxBytes = maxBytes;
        this.knowledgeBaseMode = knowledgeBaseMode;
    }

    /**
     * Throws {@link IntakeRejection} for a field that breaks a rule; sets {@link FlowProperties#AGENT_SESSION_ID}
     * (the agent session the request belongs to) when all are well.
     */
    public void check(@Body ObjectNode request, Exchange exchange) {
        JsonNode sessionId = request.get(SESSION_ID);
        if (present(sessionId) && !(sessionId.isTextual() && AgentSessions.isValid(sessionId.textValue()))) {
            throw IntakeRejection.badRequest("Field 'session_id' must be a string of 2-100 characters "
                    + "from A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        }
        checkAttributes(request, SESSION_ATTRIBUTES);
        checkAttributes(request, PROMPT_SESSION_ATTRIBUTES);
        exchange.setProperty(FlowProperties.AGENT_SESSION_ID, agentSessionId(request,
                exchange.getProperty(FlowProperties.CALLER, String.class),
                exchange.getProperty(FlowProperties.TRACKING_ID, String.class)));
    }

    private void checkAttributes(ObjectNode request, String field) {
        JsonNode value = request.get(field);
        if (!present(value)) {
            return;
        }
        if (knowledgeBaseMode) {
            throw IntakeRejection.badRequest(NOT_IN_KNOWLEDGE_BASE_MODE);
        }
        if (!value.isObject()) {
            throw IntakeRejection.badRequest("Field '" + field + "' must be a JSON object whose values are strings");
        }
        if (value.size() > maxKeys) {
            throw IntakeRejection.badRequest("Field '" + field + "' has more than " + maxKeys + " keys");
        }
        Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String key = entry.getKey();
            if (key.isEmpty() || key.codePointCount(0, key.length()) > MAX_KEY_CHARS) {
                throw IntakeRejection.badRequest("Field '" + field + "': keys must be 1-" + MAX_KEY_CHARS + " characters");
            }
            if (!entry.getValue().isTextual()) {
                throw IntakeRejection.badRequest("Field '" + field + "' must be a JSON object whose values are strings");
            }
        }
        // the JSON as it travels (and as the agent gets it); only one that might be too large is encoded (a char is
        // 1-3 UTF-8 bytes)
        String json = Json.write(value);
        if (json.length() * 3L > maxBytes && json.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new IntakeRejection(413, "Field '" + field + "' is too large (limit " + maxBytes + " bytes of JSON)");
        }
    }

    /** The caller's own {@code session_id} of a checked request, or null when it named none. */
    public static String callerSessionId(ObjectNode request) {
        JsonNode value = request == null ? null : request.get(SESSION_ID);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /**
     * The agent session of a checked request ({@link AgentSessions#agentSessionId}): derived from the caller and
     * its {@code session_id}, else the tracking id.
     */
    public static String agentSessionId(ObjectNode request, String caller, String trackingId) {
        return AgentSessions.agentSessionId(caller, callerSessionId(request), trackingId);
    }

    /** The request's {@code session_attributes} (InvokeAgent {@code sessionState.sessionAttributes}), null when none. */
    public static Map<String, String> sessionAttributes(@ExchangeProperty(FlowProperties.REQUEST) ObjectNode request) {
        return attributes(request, SESSION_ATTRIBUTES);
    }

    /** The request's {@code prompt_session_attributes} ({@code sessionState.promptSessionAttributes}), null when none. */
    public static Map<String, String> promptSessionAttributes(@ExchangeProperty(FlowProperties.REQUEST) ObjectNode request) {
        return attributes(request, PROMPT_SESSION_ATTRIBUTES);
    }

    private static Map<String, String> attributes(ObjectNode request, String field) {
        JsonNode value = request == null ? null : request.get(field);
        if (value == null || !value.isObject() || value.isEmpty()) {
            return null;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                attributes.put(e.getKey(), e.getValue().textValue());
            }
        });
        return attributes.isEmpty() ? null : attributes;
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }
}
