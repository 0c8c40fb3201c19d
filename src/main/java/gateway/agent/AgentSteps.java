package gateway.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import software.amazon.awssdk.services.bedrockagentruntime.model.ActionGroupInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.AgentCollaboratorInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.CodeInterpreterInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.CustomOrchestrationTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.FailureTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.GuardrailTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.KnowledgeBaseLookupInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.Metadata;
import software.amazon.awssdk.services.bedrockagentruntime.model.ModelInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.Observation;
import software.amazon.awssdk.services.bedrockagentruntime.model.OrchestrationTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.Parameter;
import software.amazon.awssdk.services.bedrockagentruntime.model.PostProcessingTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.PreProcessingTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.RoutingClassifierTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.Trace;
import software.amazon.awssdk.services.bedrockagentruntime.model.TracePart;
import software.amazon.awssdk.services.bedrockagentruntime.model.Type;
import software.amazon.awssdk.services.bedrockagentruntime.model.Usage;

/**
 * Maps one InvokeAgent {@code trace} event to the {@link AgentStep} a person watching the call is shown, or to none
 * when it says nothing new.
 *
 * <ul>
 *   <li>orchestration (or routing-classifier) rationale: {@code rationale}, its text;</li>
 *   <li>invocation input with an action group: {@code action_group}, name = actionGroupName, apiPath = apiPath or
 *       function, text = "calls GET /path" (verb and path);</li>
 *   <li>invocation input with a knowledge-base lookup: {@code knowledge_base}, name = knowledgeBaseId, text = "searches
 *       the knowledge base";</li>
 *   <li>guardrail trace: {@code guardrail}, name = its action (INTERVENED, NONE);</li>
 *   <li>model invocation input / output (orchestration, pre- and post-processing, routing): {@code model}, name = the
 *       foundation model when the trace names it, text = which phase and, for an output, its token usage; a
 *       pre-processing output's rationale is a {@code rationale};</li>
 *   <li>a collaborator agent or the code interpreter called, a reprompt, a question back to the user, a failure, a
 *       custom orchestration event: {@code other};</li>
 *   <li>observations of what was already shown (the action group's or knowledge base's result, FINISH, whose text is the
 *       answer) and empty events: no step.</li>
 * </ul>
 * Values stay out unless {@code includeInputs}: without it no action-group parameter or request-body value, no
 * knowledge-base query, no code, no collaborator input and no prompt ever reaches a step's text; with it, a bounded
 * rendering of the action group's parameters and request body, the knowledge-base query and the code may. Every field
 * is bounded: whitespace collapsed, the text at most {@value #MAX_TEXT} characters, a name or path at most
 * {@value #MAX_NAME}.
 */
public final class AgentSteps {

    public static final int MAX_TEXT = 300;
    public static final int MAX_NAME = 200;
    private static final String ELLIPSIS = "...";
    /** Whitespace, line and paragraph separators and control characters: each run becomes one space. */
    private static final Pattern SPACE = Pattern.compile("[\\s\\p{Z}\\p{Cntrl}]+");

    private AgentSteps() {
    }

    /** The step one trace event shows, or null when it shows none. */
    public static AgentStep of(TracePart part, boolean includeInputs) {
        return part == null ? null : of(part.trace(), includeInputs);
    }

    /** The step a trace shows, or null when it shows none. */
    public static AgentStep of(Trace trace, boolean includeInputs) {
        if (trace == null) {
            return null;
        }
        if (trace.orchestrationTrace() != null) {
            return orchestration(trace.orchestrationTrace(), includeInputs);
        }
        if (trace.guardrailTrace() != null) {
            return guardrail(trace.guardrailTrace());
        }
        if (trace.preProcessingTrace() != null) {
            return preProcessing(trace.preProcessingTrace());
        }
        if (trace.postProcessingTrace() != null) {
            return postProcessing(trace.postProcessingTrace());
        }
        if (trace.routingClassifierTrace() != null) {
            return routing(trace.routingClassifierTrace(), includeInputs);
        }
        if (trace.failureTrace() != null) {
            return failure(trace.failureTrace());
        }
        if (trace.customOrchestrationTrace() != null) {
            return custom(trace.customOrchestrationTrace());
        }
        return null;
    }

    private static AgentStep orchestration(OrchestrationTrace o, boolean includeInputs) {
        if (o.rationale() != null) {
            return rationale(o.rationale().text());
        }
        if (o.invocationInput() != null) {
            return invocation(o.invocationInput(), includeInputs);
        }
        if (o.modelInvocationInput() != null) {
            return modelInput(o.modelInvocationInput(), "orchestration");
        }
        if (o.modelInvocationOutput() != null) {
            return modelOutput("orchestration", o.modelInvocationOutput().metadata());
        }
        if (o.observation() != null) {
            return observation(o.observation());
        }
        return null;
    }

    private static AgentStep routing(RoutingClassifierTrace r, boolean includeInputs) {
        if (r.invocationInput() != null) {
            return invocation(r.invocationInput(), includeInputs);
        }
        if (r.modelInvocationInput() != null) {
            return modelInput(r.modelInvocationInput(), "routing");
        }
        if (r.modelInvocationOutput() != null) {
            return modelOutput("routing", r.modelInvocationOutput().metadata());
        }
        if (r.observation() != null) {
            return observation(r.observation());
        }
        return null;
    }

    private static AgentStep preProcessing(PreProcessingTrace p) {
        if (p.modelInvocationInput() != null) {
            return modelInput(p.modelInvocationInput(), "pre-processing");
        }
        if (p.modelInvocationOutput() != null) {
            var out = p.modelInvocationOutput();
            if (out.parsedResponse() != null && out.parsedResponse().rationale() != null
                    && !out.parsedResponse().rationale().isBlank()) {
                return rationale(out.parsedResponse().rationale());
            }
            return modelOutput("pre-processing", out.metadata());
        }
        return null;
    }

    private static AgentStep postProcessing(PostProcessingTrace p) {
        if (p.modelInvocationInput() != null) {
            return modelInput(p.modelInvocationInput(), "post-processing");
        }
        if (p.modelInvocationOutput() != null) {
            // its parsed response is the final answer rewritten: the answer is shown as the answer, not as a step
            return modelOutput("post-processing", p.modelInvocationOutput().metadata());
        }
        return null;
    }

    private static AgentStep rationale(String text) {
        String t = bounded(text, MAX_TEXT);
        return t == null || t.isEmpty() ? null : new AgentStep(AgentStep.RATIONALE, null, null, t);
    }

    private static AgentStep invocation(InvocationInput in, boolean includeInputs) {
        if (in.actionGroupInvocationInput() != null) {
            return actionGroup(in.actionGroupInvocationInput(), includeInputs);
        }
        if (in.knowledgeBaseLookupInput() != null) {
            KnowledgeBaseLookupInput kb = in.knowledgeBaseLookupInput();
            String text = includeInputs && kb.text() != null && !kb.text().isBlank()
                    ? "searches the knowledge base for: " + kb.text() : "searches the knowledge base";
            return new AgentStep(AgentStep.KNOWLEDGE_BASE, bounded(kb.knowledgeBaseId(), MAX_NAME), null, bounded(text, MAX_TEXT));
        }
        if (in.agentCollaboratorInvocationInput() != null) {
            AgentCollaboratorInvocationInput c = in.agentCollaboratorInvocationInput();
            return new AgentStep(AgentStep.OTHER, bounded(c.agentCollaboratorName(), MAX_NAME), null, "asks a collaborator agent");
        }
        if (in.codeInterpreterInvocationInput() != null) {
            CodeInterpreterInvocationInput code = in.codeInterpreterInvocationInput();
            String text = includeInputs && code.code() != null ? "runs code: " + code.code() : "runs code";
            return new AgentStep(AgentStep.OTHER, "code_interpreter", null, bounded(text, MAX_TEXT));
        }
        return null;
    }

    private static AgentStep actionGroup(ActionGroupInvocationInput a, boolean includeInputs) {
        String path = a.apiPath() != null && !a.apiPath().isBlank() ? a.apiPath() : a.function();
        StringBuilder text = new StringBuilder("calls");
        if (a.verb() != null && !a.verb().isBlank()) {
            text.append(' ').append(a.verb().toUpperCase(Locale.ROOT));
        }
        if (path != null && !path.isBlank()) {
            text.append(' ').append(path);
        }
        if (includeInputs) {
            String values = values(a);
            if (!values.isEmpty()) {
                text.append(" with ").append(values);
            }
        }
        return new AgentStep(AgentStep.ACTION_GROUP, bounded(a.actionGroupName(), MAX_NAME), bounded(path, MAX_NAME),
                bounded(text.toString(), MAX_TEXT));
    }

    /** The action group's parameters and request-body properties as {@code name=value, ...} (only with includeInputs). */
    private static String values(ActionGroupInvocationInput a) {
        StringJoiner joined = new StringJoiner(", ");
        if (a.hasParameters()) {
            add(joined, a.parameters());
        }
        if (a.requestBody() != null && a.requestBody().hasContent()) {
            for (Map.Entry<String, List<Parameter>> content : a.requestBody().content().entrySet()) {
                add(joined, content.getValue());
            }
        }
        return joined.toString();
    }

    private static void add(StringJoiner joined, List<Parameter> parameters) {
        if (parameters == null) {
            return;
        }
        for (Parameter p : parameters) {
            if (p != null && p.name() != null) {
                joined.add(p.name() + "=" + p.value());
            }
        }
    }

    private static AgentStep guardrail(GuardrailTrace g) {
        String action = g.actionAsString();
        String text = "INTERVENED".equals(action) ? "the guardrail intervened" : "the guardrail checked";
        return new AgentStep(AgentStep.GUARDRAIL, bounded(action, MAX_NAME), null, text);
    }

    private static AgentStep modelInput(ModelInvocationInput in, String phase) {
        // its text is the whole prompt: never shown
        return new AgentStep(AgentStep.MODEL, bounded(in.foundationModel(), MAX_NAME), null, "calls the model (" + phase + ")");
    }

    private static AgentStep modelOutput(String phase, Metadata metadata) {
        StringBuilder text = new StringBuilder("the model answered (").append(phase);
        Usage usage = metadata == null ? null : metadata.usage();
        if (usage != null && usage.inputTokens() != null && usage.outputTokens() != null) {
            text.append(": ").append(usage.inputTokens()).append(" tokens in, ").append(usage.outputTokens()).append(" out");
        }
        return new AgentStep(AgentStep.MODEL, null, null, text.append(')').toString());
    }

    private static AgentStep observation(Observation o) {
        Type type = o.type();
        if (type == Type.REPROMPT) {
            return new AgentStep(AgentStep.OTHER, null, null, "reprompts");
        }
        if (type == Type.ASK_USER) {
            return new AgentStep(AgentStep.OTHER, null, null, "asks the user");
        }
        // FINISH (its text is the answer), an action group's, knowledge base's or collaborator's result: shown already
        return null;
    }

    private static AgentStep failure(FailureTrace f) {
        String reason = f.failureReason();
        return new AgentStep(AgentStep.OTHER, null, null,
                bounded(reason == null || reason.isBlank() ? "failed" : "failed: " + reason, MAX_TEXT));
    }

    private static AgentStep custom(CustomOrchestrationTrace c) {
        String text = c.event() == null ? null : bounded(c.event().text(), MAX_TEXT);
        return text == null || text.isEmpty() ? null : new AgentStep(AgentStep.OTHER, null, null, text);
    }

    /**
     * The text with its whitespace collapsed and stripped, at most {@code max} characters (a longer one cut, with
     * {@code ...}, never inside a surrogate pair); null stays null.
     */
    static String bounded(String text, int max) {
        if (text == null) {
            return null;
        }
        String t = SPACE.matcher(text).replaceAll(" ").strip();
        if (t.length() <= max) {
            return t;
        }
        int cut = max - ELLIPSIS.length();
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return t.substring(0, cut).stripTrailing() + ELLIPSIS;
    }
}
