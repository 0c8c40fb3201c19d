package gateway.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.tracking.RecordStoreUnavailable;
import gateway.tracking.S3RecordStore;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.aws2.bedrock.agentruntime.BedrockAgentRuntimeConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knowledge-base mode's conversations. retrieveAndGenerate takes no sessionId of ours: Bedrock makes one on a
 * session's first call and must be given it back to continue. So for a caller's own session (a derived agent
 * session, {@link AgentSessions#isDerived}) the record store keeps Bedrock's id in
 * {@code sessions/<agent session id>.json}: {@link #lookup} before the call (the header Camel's
 * {@code aws-bedrock-agent-runtime} endpoint sends as the sessionId), {@link #remember} after it. Bedrock ends a
 * knowledge-base session 24 h after it started (it cannot be extended), so a kept id older than
 * {@code KNOWLEDGE_BASE_SESSION_LIFETIME} is not given back: the question opens a new session, which is kept
 * instead. A request without a {@code session_id} is a conversation of one question: nothing is read or written.
 */
public class KnowledgeBaseSessions {

    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseSessions.class);
    /** Exchange property: the Bedrock session id {@link #lookup} found (absent: none). */
    public static final String KNOWN = "knowledge_base_session_known";
    static final String FIELD = "knowledge_base_session_id";

    static final String STARTED_AT = "knowledge_base_session_started_at";

    private final S3RecordStore store;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param lifetime how long after its start a Bedrock session is still given back (Bedrock ends a knowledge-base
     *                 session 24 h after it started, and it cannot be extended: after that a new one is opened)
     */
    public KnowledgeBaseSessions(S3RecordStore store, Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("KNOWLEDGE_BASE_SESSION_LIFETIME must be positive");
        }
        this.store = store;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * Bedrock's sessionId of the request's conversation, null for a new one. A store that cannot be read is a
     * transient failure (retried like the agent's): asking without the id would silently start a new conversation.
     */
    public String lookup(@ExchangeProperty(FlowProperties.AGENT_SESSION_ID) String agentSession, Exchange exchange) {
        exchange.removeProperty(KNOWN);
        if (!AgentSessions.isDerived(agentSession)) {
            return null;
        }
        String known;
        try {
            known = store.readSession(agentSession).map(S3RecordStore.Stored::record).filter(this::alive)
                    .map(r -> r.path(FIELD).asText(null)).orElse(null);
        } catch (RecordStoreUnavailable e) {
            throw new RetryableAgentException("RecordStoreUnavailable", 0,
                    "the knowledge-base session could not be read: " + e.getMessage(), e);
        }
        if (known != null) {
            exchange.setProperty(KNOWN, known);
        }
        return known;
    }

    /** A kept session Bedrock still holds: started less than the lifetime ago (a record without a start is not). */
    private boolean alive(ObjectNode record) {
        try {
            Instant started = OffsetDateTime.parse(record.path(STARTED_AT).asText("")).toInstant();
            return started.plus(lifetime).isAfter(clock.instant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Keeps the sessionId Bedrock answered with (the endpoint's header), when it is new. A failed write is logged
     * and the answer goes on: the paid answer matters more than the conversation's next turn, which then starts
     * a new Bedrock session.
     */
    public void remember(@ExchangeProperty(FlowProperties.AGENT_SESSION_ID) String agentSession, Exchange exchange) {
        String answered = exchange.getMessage().getHeader(BedrockAgentRuntimeConstants.SESSION_ID, String.class);
        if (!AgentSessions.isDerived(agentSession) || answered == null || answered.isBlank()
                || Objects.equals(answered, exchange.getProperty(KNOWN, String.class))) {
            return;
        }
        try {
            store.updateSession(agentSession, current -> {
                ObjectNode record = current != null ? current : Json.object().put("agent_session_id", agentSession);
                record.put(FIELD, answered);
                record.put(STARTED_AT, Timestamps.now(clock));
                return record;
            });
        } catch (RecordStoreUnavailable e) {
            LOG.warn("Knowledge-base session not kept, the next question of this conversation starts a new one: {}",
                    e.getMessage());
        }
    }
}
