package gateway.agent;

/** What one agent call shows while it runs. Called on the SDK's threads: implementations must not block. */
public interface AgentProgress {

    /** One step of the agent's work, as the trace shows it. */
    void step(AgentStep step);

    /** The next part of the final answer, as the agent writes it (only when the call asked for it: stream_answer). */
    void answerPart(String text);

    AgentProgress NONE = new AgentProgress() {
        @Override
        public void step(AgentStep s) {
        }

        @Override
        public void answerPart(String t) {
        }
    };
}
