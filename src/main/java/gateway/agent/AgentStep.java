package gateway.agent;

/**
 * kind: "rationale" | "action_group" | "knowledge_base" | "guardrail" | "model" | "other"; name: the action group's or
 * knowledge base's id/name or the guardrail's action; apiPath: an action group's API path (or function name); text: a
 * short, bounded (<= 300 chars, whitespace collapsed) description — a rationale's text, never an input's values unless
 * allowed. Fields may be null.
 */
public record AgentStep(String kind, String name, String apiPath, String text) {
}
