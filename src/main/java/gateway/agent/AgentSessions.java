package gateway.agent;

import java.util.HexFormat;
import java.util.regex.Pattern;

import gateway.security.ApiKeys;

/**
 * The agent session a question belongs to. A caller may name its own conversation ({@code session_id} of
 * {@code POST /webhook}, validated as Bedrock validates a sessionId: 2-100 characters of {@code [0-9a-zA-Z._:-]});
 * the sessionId sent to the agent is derived from the caller and that name, so two callers using the same
 * {@code session_id} never share a conversation. Without one the session is the request's own (its tracking id),
 * as before. The derived id is also the requests queue's FIFO message group: the questions of one session reach the
 * agent one at a time, in order.
 */
public final class AgentSessions {

    /** Bedrock's rule for a sessionId (InvokeAgent, RetrieveAndGenerate). */
    public static final Pattern SESSION_ID = Pattern.compile("[0-9a-zA-Z._:-]{2,100}");
    /** The prefix of a derived id: it never collides with a tracking id (a UUID). */
    static final String PREFIX = "s-";

    private AgentSessions() {
    }

    public static boolean isValid(String sessionId) {
        return sessionId != null && SESSION_ID.matcher(sessionId).matches();
    }

    /**
     * The sessionId the agent sees: {@code s-} and 64 hex digits of SHA-256 over the caller's name and its
     * {@code session_id} (66 characters, inside Bedrock's pattern), or the tracking id when the caller named no
     * session. {@code caller} is null on an open gateway.
     */
    public static String agentSessionId(String caller, String sessionId, String trackingId) {
        if (sessionId == null) {
            return trackingId;
        }
        byte[] hash = ApiKeys.sha256((caller == null ? "" : caller) + "\n" + sessionId);
        return PREFIX + HexFormat.of().formatHex(hash);
    }

    /** True for an id made by {@link #agentSessionId} from a caller's {@code session_id}. */
    public static boolean isDerived(String agentSessionId) {
        return agentSessionId != null && agentSessionId.startsWith(PREFIX) && agentSessionId.length() == PREFIX.length() + 64;
    }
}
