package gateway.agent;

import org.apache.camel.spi.Metadata;

/**
 * Header names read and written by the {@code bedrock-agent} producer (its {@code headersClass}), and the one exchange
 * property it reads ({@link #PROGRESS}).
 */
public final class BedrockAgentConstants {

    @Metadata(description = "In: the agent session to use (a random one when absent). Out: the session id used.",
            javaType = "String")
    public static final String SESSION_ID = "CamelBedrockAgentSessionId";
    @Metadata(label = "producer", description = "In: InvokeAgent sessionState.sessionAttributes, kept by the agent for "
            + "the session (absent or empty: none sent).", javaType = "java.util.Map<String, String>")
    public static final String SESSION_ATTRIBUTES = "CamelBedrockAgentSessionAttributes";
    @Metadata(label = "producer", description = "In: InvokeAgent sessionState.promptSessionAttributes, for this turn's "
            + "prompt (absent or empty: none sent).", javaType = "java.util.Map<String, String>")
    public static final String PROMPT_SESSION_ATTRIBUTES = "CamelBedrockAgentPromptSessionAttributes";
    @Metadata(label = "producer", description = "In: true asks InvokeAgent to stream its final response "
            + "(streamingConfigurations.streamFinalResponse), so the call's AgentProgress (exchange property "
            + "CamelBedrockAgentProgress) gets the answer's text in parts as the agent writes it.", javaType = "Boolean")
    public static final String STREAM_ANSWER = "CamelBedrockAgentStreamAnswer";
    /**
     * Exchange <em>property</em> (not a header): the {@link AgentProgress} of the call, set by the route before
     * {@code bedrock-agent:}; absent, the call shows nothing ({@link AgentProgress#NONE}).
     */
    public static final String PROGRESS = "CamelBedrockAgentProgress";
    @Metadata(label = "producer", description = "Out: how long the call took, in milliseconds.", javaType = "long")
    public static final String DURATION_MILLIS = "CamelBedrockAgentDurationMillis";
    @Metadata(label = "producer", description = "Out: the number of trace events received.", javaType = "int")
    public static final String TRACE_COUNT = "CamelBedrockAgentTraceCount";
    @Metadata(label = "producer", description = "Out: the first maxTraceEvents trace events, as short strings.",
            javaType = "java.util.List<String>")
    public static final String TRACE_SUMMARY = "CamelBedrockAgentTraceSummary";

    private BedrockAgentConstants() {
    }
}
