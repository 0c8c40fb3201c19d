package gateway.agent;

/**
 * One step of an agent call, as its trace shows it ({@link AgentSteps#of} maps the SDK's trace events).
 *
 * @param kind    {@code "rationale" | "action_group" | "knowledge_base" | "guardrail" | "model" | "other"}
 * @param name    the action group's or knowledge base's id/name, the guardrail's action (or the model's id); may be null
 * @param apiPath an action group's API path (or function name); may be null
 * @param text    a short, bounded ({@value AgentSteps#MAX_TEXT} chars at most, whitespace collapsed) description: a
 *                rationale's text; never an input's values (action-group parameters and request body, knowledge-base
 *                query) unless {@code PROGRESS_INCLUDE_INPUTS} allows them; may be null
 */
public record AgentStep(String kind, String name, String apiPath, String text) {

    public static final String RATIONALE = "rationale";
    public static final String ACTION_GROUP = "action_group";
    public static final String KNOWLEDGE_BASE = "knowledge_base";
    public static final String GUARDRAIL = "guardrail";
    public static final String MODEL = "model";
    public static final String OTHER = "other";
}
