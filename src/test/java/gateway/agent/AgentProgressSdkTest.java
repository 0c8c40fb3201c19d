package gateway.agent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import gateway.local.AgentEmulator;
import gateway.local.EmulatorAnswers;
import gateway.local.EmulatorTraces;
import gateway.testing.ProbedAgentEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an agent call shows while it runs (AgentProgress), with the real SDK async client against the emulator: the
 * steps of {@code [emulator:steps=N]} in order, each kind mapped and bounded, the inputs' values out unless allowed, and
 * a streamed answer whose parts concatenate to exactly the answer.
 */
class AgentProgressSdkTest {

    static ProbedAgentEmulator emulator;
    static BedrockAgentRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = new ProbedAgentEmulator(AgentEmulator.Settings.defaults().withChunkSize(24)).start();
        client = BedrockAgentRuntimeAsyncClient.builder()
                .endpointOverride(URI.create(emulator.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AgentClientFactory.EMULATOR_CREDENTIALS))
                .httpClient(new TruncatedStreamGuard(NettyNioAsyncHttpClient.builder().build()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.stop();
    }

    /** What a call showed, in the order it was shown. */
    static final class Recorder implements AgentProgress {
        final List<AgentStep> steps = new ArrayList<>();
        final List<String> parts = new ArrayList<>();

        @Override
        public synchronized void step(AgentStep step) {
            steps.add(step);
        }

        @Override
        public synchronized void answerPart(String text) {
            parts.add(text);
        }
    }

    private static AgentAnswerCollector invoke(String session, String text, AgentProgress progress, boolean streamAnswer,
                                               boolean includeInputs) {
        AgentAnswerCollector collector = new AgentAnswerCollector(1 << 20, 50, progress, streamAnswer, includeInputs);
        InvokeAgentRequest.Builder request = InvokeAgentRequest.builder().agentId("AGENT1").agentAliasId("ALIAS1")
                .sessionId(session).enableTrace(true).inputText(text);
        if (streamAnswer) {
            request.streamingConfigurations(s -> s.streamFinalResponse(true));
        }
        client.invokeAgent(request.build(), collector).orTimeout(10, TimeUnit.SECONDS).join();
        collector.finishAnswer();
        return collector;
    }

    private static String session() {
        return "p-" + UUID.randomUUID();
    }

    @Test
    void fiveStepsComeInOrderOneOfEachKind() {
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = invoke(session(), "Which deals close soon? [emulator:steps=5]", recorder, false, false);

        assertThat(recorder.steps).containsExactly(
                new AgentStep("rationale", null, null, "The user asks: Which deals close soon?"),
                new AgentStep("action_group", EmulatorTraces.ACTION_GROUP, EmulatorTraces.API_PATH, "calls GET /deals/{dealId}"),
                new AgentStep("knowledge_base", EmulatorTraces.KNOWLEDGE_BASE_ID, null, "searches the knowledge base"),
                new AgentStep("guardrail", "NONE", null, "the guardrail checked"),
                new AgentStep("model", EmulatorTraces.FOUNDATION_MODEL, null, "calls the model (orchestration)"));
        assertThat(collector.traceCount()).as("the five steps and the FINISH observation").isEqualTo(6);
        assertThat(recorder.parts).as("not asked for the answer in parts").isEmpty();
        assertThat(collector.answer()).isEqualTo(EmulatorAnswers.markdown("Which deals close soon? [emulator:steps=5]", 0));
    }

    @Test
    void moreStepsRepeatTheKindsEachBoundedAndOnOneLine() {
        Recorder recorder = new Recorder();
        String longQuestion = "Why?\n" + "very long question ".repeat(100) + " [emulator:steps=12]";
        invoke(session(), longQuestion, recorder, false, false);

        assertThat(recorder.steps).extracting(AgentStep::kind).containsExactly("rationale", "action_group", "knowledge_base",
                "guardrail", "model", "rationale", "action_group", "knowledge_base", "guardrail", "model", "rationale", "action_group");
        assertThat(recorder.steps).allSatisfy(step -> {
            assertThat(step.text()).isNotBlank().hasSizeLessThanOrEqualTo(AgentSteps.MAX_TEXT).doesNotContain("\n", "\r", "\t", "  ");
        });
        assertThat(recorder.steps.get(5).text()).isEqualTo("Step 6 of 12: what I found so far answers part of it.");
        assertThat(recorder.steps).filteredOn(s -> !s.kind().equals("rationale"))
                .allSatisfy(step -> assertThat(step.text()).doesNotContain("very long question"));
    }

    @Test
    void theInputsValuesStayOutUnlessTheSettingAllowsThem() {
        Recorder hidden = new Recorder();
        invoke(session(), "Deal status for ACME? [emulator:steps=5]", hidden, false, false);
        assertThat(hidden.steps).hasSize(5).allSatisfy(step -> assertThat(step.toString())
                .doesNotContain(EmulatorTraces.ACTION_GROUP_VALUE, EmulatorTraces.KNOWLEDGE_BASE_QUERY, "EMU-DEAL", "EMU-KB",
                        "You are a sales assistant"));
        assertThat(hidden.steps).filteredOn(s -> !s.kind().equals("rationale"))
                .allSatisfy(step -> assertThat(step.toString()).doesNotContain("ACME"));

        Recorder shown = new Recorder();
        invoke(session(), "Deal status for ACME? [emulator:steps=5]", shown, false, true);
        assertThat(shown.steps.get(1).text()).isEqualTo("calls GET /deals/{dealId} with dealId=" + EmulatorTraces.ACTION_GROUP_VALUE
                + ", note=note for " + EmulatorTraces.ACTION_GROUP_VALUE);
        assertThat(shown.steps.get(2).text()).isEqualTo("searches the knowledge base for: " + EmulatorTraces.KNOWLEDGE_BASE_QUERY);
        assertThat(shown.steps.get(4).toString()).as("the model's prompt is never shown").doesNotContain("You are a sales assistant");
    }

    @Test
    void aStreamedAnswerComesInPartsThatConcatenateToExactlyTheAnswerEvenWithCharactersSplitBetweenChunks() {
        String session = session();
        String question = "Stream it [emulator:split-utf8][emulator:chunk-size=16][emulator:steps=3]";
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = invoke(session, question, recorder, true, false);

        String answer = EmulatorAnswers.markdown(question, 0);
        assertThat(collector.answer()).isEqualTo(answer);
        assertThat(String.join("", recorder.parts)).isEqualTo(answer);
        assertThat(recorder.parts).hasSizeGreaterThan(10).noneMatch(p -> p.contains("\uFFFD"));
        assertThat(answer).contains("€", "😀", "ü");
        assertThat(emulator.answerStreamed(session)).as("the SDK asked for streamFinalResponse").isTrue();
        assertThat(recorder.steps).extracting(AgentStep::kind).containsExactly("rationale", "action_group", "knowledge_base");

        String plain = session();
        invoke(plain, "Not streamed", new Recorder(), false, false);
        assertThat(emulator.answerStreamed(plain)).isFalse();
    }

    @Test
    void aStreamedAnswerSpreadOverTheLatencyIsStillWhole() {
        String question = "Slowly [emulator:latency=400][emulator:chunk-size=8][emulator:steps=2]";
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = invoke(session(), question, recorder, true, false);

        assertThat(String.join("", recorder.parts)).isEqualTo(collector.answer()).isEqualTo(EmulatorAnswers.markdown(question, 0));
        assertThat(String.join("", recorder.parts).getBytes(StandardCharsets.UTF_8)).hasSize(collector.answerBytes());
    }

    @Test
    void aListenerThatThrowsNeverBreaksTheCall() {
        AgentProgress throwing = new AgentProgress() {
            @Override
            public void step(AgentStep step) {
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void answerPart(String text) {
                throw new IllegalStateException("listener broke again");
            }
        };
        String question = "Still answered? [emulator:steps=5][emulator:split-utf8]";
        AgentAnswerCollector collector = invoke(session(), question, throwing, true, false);

        assertThat(collector.answer()).isEqualTo(EmulatorAnswers.markdown(question, 0));
        assertThat(collector.traceCount()).isEqualTo(6);
    }
}
