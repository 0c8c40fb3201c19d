package gateway.agent;

/** Header names read and written by the {@code bedrock-agent} producer. */
public final class BedrockAgentConstants {

    /** In: session id to use (optional). Out: the session id used. */
    public static final String SESSION_ID = "CamelBedrockAgentSessionId";
    /** Out: wall-clock duration of the call in milliseconds (long). */
    public static final String DURATION_MILLIS = "CamelBedrockAgentDurationMillis";
    /** Out: number of trace events received (int). */
    public static final String TRACE_COUNT = "CamelBedrockAgentTraceCount";
    /** Out: the first {@code maxTraceEvents} trace events as short strings ({@code List<String>}). */
    public static final String TRACE_SUMMARY = "CamelBedrockAgentTraceSummary";
    /** In: fallback session id, set by the intake route. */
    public static final String TRACKING_ID = "tracking_id";

    private BedrockAgentConstants() {
    }
}
