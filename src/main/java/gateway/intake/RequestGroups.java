package gateway.intake;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.agent.AgentSessions;
import gateway.flow.FlowProperties;
import org.apache.camel.ExchangeProperty;

/**
 * The FIFO message group of an accepted request: its agent session ({@link AgentSessions#agentSessionId}), so the
 * questions of one session reach the agent one at a time, in the order they were accepted, and a question without a
 * session (its own tracking id) never waits for another.
 */
public final class RequestGroups {

    private RequestGroups() {
    }

    /**
     * The request's agent session: the one an earlier step derived (exchange property
     * {@link FlowProperties#AGENT_SESSION_ID}), else derived here from the caller and the request's {@code session_id}.
     */
    public static String agentSession(@ExchangeProperty(FlowProperties.AGENT_SESSION_ID) String known,
            @ExchangeProperty(FlowProperties.CALLER) String caller,
            @ExchangeProperty(FlowProperties.REQUEST) JsonNode request,
            @ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        if (known != null && !known.isEmpty()) {
            return known;
        }
        JsonNode sessionId = request == null ? null : request.get("session_id");
        return AgentSessions.agentSessionId(caller, sessionId != null && sessionId.isTextual() ? sessionId.textValue() : null,
                trackingId);
    }
}
