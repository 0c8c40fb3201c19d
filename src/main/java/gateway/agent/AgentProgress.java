package gateway.agent;

/**
 * What one agent call shows while it runs: each step of the agent's work as its trace shows it and, when the call
 * asked for it ({@link BedrockAgentConstants#STREAM_ANSWER}), the final answer's text in parts as the agent writes it.
 *
 * <p>The route puts one on the exchange (property {@link BedrockAgentConstants#PROGRESS}) before {@code bedrock-agent:};
 * without one the call shows nothing ({@link #NONE}). Called on the SDK's threads, one event at a time and in the
 * stream's order: implementations must not block. What an implementation throws is caught and logged at DEBUG; it
 * never breaks the call. Steps and parts are passed on as they arrive: should the SDK replace a stream (it retries
 * only when its retry strategy allows it, and the gateway's client allows none) a step or a part may come again.
 */
public interface AgentProgress {

    /** One step of the agent's work, as the trace shows it. */
    void step(AgentStep step);

    /**
     * The next part of the final answer, as the agent writes it (only when the call asked for it: stream_answer).
     * The parts of one call concatenate to exactly the answer: a character split between two chunk events is passed
     * on whole, in the later part.
     */
    void answerPart(String text);

    /** Shows nothing: a call without a listener. */
    AgentProgress NONE = new AgentProgress() {
        @Override
        public void step(AgentStep s) {
        }

        @Override
        public void answerPart(String t) {
        }
    };
}
