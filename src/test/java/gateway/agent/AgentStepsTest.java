package gateway.agent;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockagentruntime.model.Parameter;
import software.amazon.awssdk.services.bedrockagentruntime.model.Trace;
import software.amazon.awssdk.services.bedrockagentruntime.model.TracePart;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind of trace event as the step it shows; the texts bounded; the inputs' values out unless allowed. */
class AgentStepsTest {

    static final String SECRET = "secret-value-8831";

    private static TracePart part(Trace trace) {
        return TracePart.builder().trace(trace).build();
    }

    static Trace actionGroup() {
        return Trace.builder().orchestrationTrace(o -> o.invocationInput(i -> i.invocationType("ACTION_GROUP")
                .actionGroupInvocationInput(a -> a.actionGroupName("crm-deals").verb("get").apiPath("/deals/{dealId}")
                        .parameters(Parameter.builder().name("dealId").type("string").value(SECRET).build())
                        .requestBody(b -> b.content(Map.of("application/json",
                                List.of(Parameter.builder().name("note").type("string").value("body-" + SECRET).build()))))))).build();
    }

    static Trace knowledgeBase() {
        return Trace.builder().orchestrationTrace(o -> o.invocationInput(i -> i.invocationType("KNOWLEDGE_BASE")
                .knowledgeBaseLookupInput(k -> k.knowledgeBaseId("KB123").text("query " + SECRET)))).build();
    }

    @Test
    void eachKindOfTraceIsItsStep() {
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.rationale(r -> r.text("  I should\n look up\tdeals "))).build(), false))
                .isEqualTo(new AgentStep("rationale", null, null, "I should look up deals"));
        assertThat(AgentSteps.of(part(actionGroup()), false))
                .isEqualTo(new AgentStep("action_group", "crm-deals", "/deals/{dealId}", "calls GET /deals/{dealId}"));
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.invocationInput(i -> i
                .actionGroupInvocationInput(a -> a.actionGroupName("calendar").function("next_meeting")))).build(), false))
                .isEqualTo(new AgentStep("action_group", "calendar", "next_meeting", "calls next_meeting"));
        assertThat(AgentSteps.of(knowledgeBase(), false))
                .isEqualTo(new AgentStep("knowledge_base", "KB123", null, "searches the knowledge base"));
        assertThat(AgentSteps.of(Trace.builder().guardrailTrace(g -> g.action("INTERVENED")).build(), false))
                .isEqualTo(new AgentStep("guardrail", "INTERVENED", null, "the guardrail intervened"));
        assertThat(AgentSteps.of(Trace.builder().guardrailTrace(g -> g.action("NONE")).build(), false))
                .isEqualTo(new AgentStep("guardrail", "NONE", null, "the guardrail checked"));
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.modelInvocationInput(m -> m
                .foundationModel("anthropic.claude-v2").type("ORCHESTRATION").text("the whole prompt " + SECRET))).build(), false))
                .isEqualTo(new AgentStep("model", "anthropic.claude-v2", null, "calls the model (orchestration)"));
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.modelInvocationOutput(m -> m
                .metadata(md -> md.usage(u -> u.inputTokens(812).outputTokens(64))))).build(), false))
                .isEqualTo(new AgentStep("model", null, null, "the model answered (orchestration: 812 tokens in, 64 out)"));
        assertThat(AgentSteps.of(Trace.builder().preProcessingTrace(p -> p.modelInvocationInput(m -> m.text("prompt"))).build(), false))
                .isEqualTo(new AgentStep("model", null, null, "calls the model (pre-processing)"));
        assertThat(AgentSteps.of(Trace.builder().preProcessingTrace(p -> p.modelInvocationOutput(m -> m
                .parsedResponse(r -> r.isValid(true).rationale("The input is a question about deals.")))).build(), false))
                .isEqualTo(new AgentStep("rationale", null, null, "The input is a question about deals."));
        assertThat(AgentSteps.of(Trace.builder().postProcessingTrace(p -> p.modelInvocationOutput(m -> m
                .parsedResponse(r -> r.text("the answer " + SECRET)))).build(), false))
                .isEqualTo(new AgentStep("model", null, null, "the model answered (post-processing)"));
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.observation(ob -> ob.type("REPROMPT"))).build(), false))
                .isEqualTo(new AgentStep("other", null, null, "reprompts"));
        assertThat(AgentSteps.of(Trace.builder().failureTrace(f -> f.failureReason("Lambda\ntimed out")).build(), false))
                .isEqualTo(new AgentStep("other", null, null, "failed: Lambda timed out"));
    }

    @Test
    void whatSaysNothingNewIsNoStep() {
        assertThat(AgentSteps.of((TracePart) null, false)).isNull();
        assertThat(AgentSteps.of(TracePart.builder().build(), false)).isNull();
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.observation(ob -> ob.type("FINISH")
                .finalResponse(f -> f.text("the answer")))).build(), false)).isNull();
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.observation(ob -> ob.type("ACTION_GROUP")
                .actionGroupInvocationOutput(a -> a.text("{\"deal\":\"" + SECRET + "\"}")))).build(), false)).isNull();
        assertThat(AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.rationale(r -> r.text(" \n "))).build(), false)).isNull();
    }

    @Test
    void theInputsValuesStayOutUnlessAllowed() {
        for (Trace trace : List.of(actionGroup(), knowledgeBase())) {
            assertThat(AgentSteps.of(trace, false).toString()).doesNotContain(SECRET);
        }
        assertThat(AgentSteps.of(actionGroup(), true).text())
                .isEqualTo("calls GET /deals/{dealId} with dealId=" + SECRET + ", note=body-" + SECRET);
        assertThat(AgentSteps.of(knowledgeBase(), true).text()).isEqualTo("searches the knowledge base for: query " + SECRET);
    }

    @Test
    void everyFieldIsBoundedAndOneLine() {
        String emoji = "😀".repeat(400);
        AgentStep rationale = AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.rationale(r -> r.text(emoji))).build(), false);
        assertThat(rationale.text()).hasSizeLessThanOrEqualTo(AgentSteps.MAX_TEXT).endsWith("...");
        assertThat(Character.isHighSurrogate(rationale.text().charAt(rationale.text().length() - 4))).isFalse();
        assertThat(rationale.text().codePoints()).doesNotContain(0xFFFD);

        AgentStep big = AgentSteps.of(Trace.builder().orchestrationTrace(o -> o.invocationInput(i -> i
                .actionGroupInvocationInput(a -> a.actionGroupName("g".repeat(500)).apiPath("/p\r\n".repeat(200))
                        .parameters(Parameter.builder().name("x").value("v\u2028".repeat(500)).build())))).build(), true);
        assertThat(big.name()).hasSizeLessThanOrEqualTo(AgentSteps.MAX_NAME);
        assertThat(big.apiPath()).hasSizeLessThanOrEqualTo(AgentSteps.MAX_NAME).doesNotContain("\r", "\n");
        assertThat(big.text()).hasSizeLessThanOrEqualTo(AgentSteps.MAX_TEXT).doesNotContain("\r", "\n", "\u2028");
    }
}
