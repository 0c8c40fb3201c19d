package gateway.config;

/**
 * What the agent stage asks: {@code AGENT_MODE} ({@code agent}: InvokeAgent on {@code BEDROCK_AGENT_ID} with
 * {@code BEDROCK_AGENT_ALIAS_ID}; {@code knowledge-base}: retrieveAndGenerate on {@code KNOWLEDGE_BASE_ID} with
 * {@code MODEL_ID}) and whether the draft alias is allowed.
 */
public record AgentSettings(String mode, String agentId, String aliasId, boolean allowDraftAlias, String knowledgeBaseId,
        String modelId) {

    /** Whether the stage answers from a knowledge base rather than an agent. */
    public boolean knowledgeBase() {
        return "knowledge-base".equals(mode.strip());
    }
}
