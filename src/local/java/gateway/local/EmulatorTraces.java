package gateway.local;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The {@code trace} events of the emulator's answers: the steps of its work, one of each kind in turn (a rationale, an
 * action-group call, a knowledge-base lookup, a guardrail check, a model call), and the FINISH observation that comes
 * with the answer. Each is the {@code trace} member of a TracePart as InvokeAgent sends it, so the real SDK parses it.
 *
 * <p>The action group's parameter and request body and the knowledge-base query hold distinctive values
 * ({@link #ACTION_GROUP_VALUE}, {@link #KNOWLEDGE_BASE_QUERY}) and the model call's prompt holds the question, so a test
 * can tell whether an input's value reached what a watcher is shown.
 */
public final class EmulatorTraces {

    /** The kinds of step, in the order they come (then again from the start). */
    public static final List<String> KINDS = List.of("rationale", "action_group", "knowledge_base", "guardrail", "model");
    public static final String ACTION_GROUP = "emulator-crm";
    public static final String API_PATH = "/deals/{dealId}";
    /** The action group's {@code dealId} parameter; its request body's {@code note} is {@code "note for " + this}. */
    public static final String ACTION_GROUP_VALUE = "EMU-DEAL-4711-input-value";
    public static final String KNOWLEDGE_BASE_ID = "EMULATORKB1";
    public static final String KNOWLEDGE_BASE_QUERY = "EMU-KB-QUERY-4712 open deals this quarter";
    public static final String FOUNDATION_MODEL = "emulator.model-v1";

    private EmulatorTraces() {
    }

    /** The first {@code n} steps of an answer to this question: kinds in the order of {@link #KINDS}, repeated. */
    public static List<JsonObject> steps(int n, String inputText) {
        List<JsonObject> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(step(i, n, inputText));
        }
        return steps;
    }

    /** Step {@code i} (from 0) of {@code n}; its traceId is {@code emulator-trace-<i+1>}. */
    static JsonObject step(int i, int n, String inputText) {
        String traceId = "emulator-trace-" + (i + 1);
        return switch (KINDS.get(i % KINDS.size())) {
            case "rationale" -> orchestration(new JsonObject().put("rationale", new JsonObject().put("traceId", traceId)
                    .put("text", i == 0 ? "The user asks: " + EmulatorAnswers.echo(inputText)
                            : "Step " + (i + 1) + " of " + n + ": what I found so far answers part of it.")));
            case "action_group" -> orchestration(new JsonObject().put("invocationInput", new JsonObject()
                    .put("traceId", traceId)
                    .put("invocationType", "ACTION_GROUP")
                    .put("actionGroupInvocationInput", new JsonObject()
                            .put("actionGroupName", ACTION_GROUP)
                            .put("verb", "get")
                            .put("apiPath", API_PATH)
                            .put("executionType", "LAMBDA")
                            .put("invocationId", "emulator-invocation-" + (i + 1))
                            .put("parameters", new JsonArray().add(parameter("dealId", ACTION_GROUP_VALUE)))
                            .put("requestBody", new JsonObject().put("content", new JsonObject().put("application/json",
                                    new JsonArray().add(parameter("note", "note for " + ACTION_GROUP_VALUE))))))));
            case "knowledge_base" -> orchestration(new JsonObject().put("invocationInput", new JsonObject()
                    .put("traceId", traceId)
                    .put("invocationType", "KNOWLEDGE_BASE")
                    .put("knowledgeBaseLookupInput", new JsonObject()
                            .put("knowledgeBaseId", KNOWLEDGE_BASE_ID).put("text", KNOWLEDGE_BASE_QUERY))));
            case "guardrail" -> new JsonObject().put("guardrailTrace", new JsonObject().put("traceId", traceId)
                    .put("action", "NONE").put("inputAssessments", new JsonArray()).put("outputAssessments", new JsonArray()));
            default -> orchestration(new JsonObject().put("modelInvocationInput", new JsonObject().put("traceId", traceId)
                    .put("type", "ORCHESTRATION").put("foundationModel", FOUNDATION_MODEL)
                    .put("text", "You are a sales assistant. Question: " + inputText)));
        };
    }

    /** The observation that comes with the answer, after {@code steps} steps: FINISH. */
    public static JsonObject finish(int steps) {
        return orchestration(new JsonObject().put("observation", new JsonObject()
                .put("traceId", "emulator-trace-" + (steps + 1)).put("type", "FINISH")));
    }

    private static JsonObject orchestration(JsonObject orchestrationTrace) {
        return new JsonObject().put("orchestrationTrace", orchestrationTrace);
    }

    private static JsonObject parameter(String name, String value) {
        return new JsonObject().put("name", name).put("type", "string").put("value", value);
    }
}
