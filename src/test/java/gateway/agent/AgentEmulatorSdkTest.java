package gateway.agent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import gateway.local.AgentEmulator;
import gateway.local.EmulatorAnswers;
import gateway.testing.ProbedAgentEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentRequest;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponse;
import software.amazon.awssdk.services.bedrockagentruntime.model.RetrieveAndGenerateResponse;
import software.amazon.awssdk.services.bedrockagentruntime.model.RetrieveAndGenerateType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The real SDK async client, without Camel, against the emulator: the wire protocol is right. */
class AgentEmulatorSdkTest {

    static ProbedAgentEmulator emulator;
    static BedrockAgentRuntimeAsyncClient client;
    /** The plain Netty client, without {@link TruncatedStreamGuard}. */
    static BedrockAgentRuntimeAsyncClient guardless;

    @BeforeAll
    static void start() {
        emulator = new ProbedAgentEmulator(AgentEmulator.Settings.defaults().withChunkSize(40)).start();
        client = BedrockAgentRuntimeAsyncClient.builder()
                .endpointOverride(URI.create(emulator.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AgentClientFactory.EMULATOR_CREDENTIALS))
                .httpClient(new TruncatedStreamGuard(NettyNioAsyncHttpClient.builder().build()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(10)))
                .build();
        guardless = BedrockAgentRuntimeAsyncClient.builder()
                .endpointOverride(URI.create(emulator.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AgentClientFactory.EMULATOR_CREDENTIALS))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        guardless.close();
        emulator.stop();
    }

    private static AgentAnswerCollector invoke(String sessionId, String text) {
        AgentAnswerCollector collector = new AgentAnswerCollector(1 << 20, 10);
        client.invokeAgent(InvokeAgentRequest.builder()
                .agentId("AGENT1").agentAliasId("ALIAS1").sessionId(sessionId).enableTrace(true).inputText(text)
                .build(), collector).orTimeout(10, TimeUnit.SECONDS).join();
        return collector;
    }

    @Test
    void answersInChunksWithTraceAndResponseHeaders() {
        String session = "s-" + UUID.randomUUID();
        AgentAnswerCollector answer = invoke(session, "What deals are closing this quarter?");

        assertThat(answer.answer()).isEqualTo(EmulatorAnswers.markdown("What deals are closing this quarter?", 0))
                .contains("You asked: \"What deals are closing this quarter?\"", "😀", "€", "ü");
        assertThat(answer.traceCount()).isEqualTo(2);
        assertThat(answer.traceSummary()).hasSize(2);
        assertThat(answer.traceSummary().get(0))
                .isEqualTo("orchestration_trace/rationale: The user asks: What deals are closing this quarter?");
        assertThat(answer.traceSummary().get(1)).isEqualTo("orchestration_trace/observation");
        InvokeAgentResponse response = answer.response();
        assertThat(response.sessionId()).isEqualTo(session);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(emulator.callsForSession(session)).isEqualTo(1);
    }

    @Test
    void everyAnswerEndsWithItsSessionTurnAndAFailedCallIsNoTurn() {
        String session = "turns-" + UUID.randomUUID();
        assertThat(invoke(session, "First").answer()).endsWith("\n\nSession turn: 1\n");
        catchThrowable(() -> invoke(session, "Second [emulator:throttle=4]")); // the session's 2nd call: refused
        catchThrowable(() -> invoke(session, "Second [emulator:stream-error=4]")); // 3rd: the stream breaks
        assertThat(invoke(session, "Second").answer()).contains("You asked: \"Second\"").endsWith("\nSession turn: 2\n");
        assertThat(invoke("other-" + UUID.randomUUID(), "Elsewhere").answer()).endsWith("Session turn: 1\n");
        assertThat(emulator.turnsForSession(session)).isEqualTo(2);
        assertThat(emulator.callsForSession(session)).isEqualTo(4);
    }

    @Test
    void theSessionStateTheSdkSendsIsShownSortedByKey() {
        String session = "state-" + UUID.randomUUID();
        AgentAnswerCollector collector = new AgentAnswerCollector(1 << 20, 10);
        client.invokeAgent(InvokeAgentRequest.builder().agentId("AGENT1").agentAliasId("ALIAS1").sessionId(session)
                .inputText("With state")
                .sessionState(s -> s.sessionAttributes(Map.of("region", "emea", "crm_user", "ana", "b", "two\nlines"))
                        .promptSessionAttributes(Map.of("today", "Monday")))
                .build(), collector).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(collector.answer()).endsWith("\n\nSession turn: 1\nSession attributes: b=two lines, crm_user=ana, region=emea\n"
                + "Prompt session attributes: today=Monday\n");
        assertThat(collector.answer()).isEqualTo(EmulatorAnswers.markdown("With state", 0, 1,
                Map.of("region", "emea", "crm_user", "ana", "b", "two\nlines"), Map.of("today", "Monday")));
    }

    @Test
    void onlyTheAttributesThatCameAreShown() {
        AgentAnswerCollector collector = new AgentAnswerCollector(1 << 20, 10);
        client.invokeAgent(InvokeAgentRequest.builder().agentId("A").agentAliasId("B").sessionId("p-" + UUID.randomUUID())
                .inputText("Prompt only").sessionState(s -> s.promptSessionAttributes(Map.of("q", "Q3")))
                .build(), collector).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(collector.answer()).endsWith("\n\nSession turn: 1\nPrompt session attributes: q=Q3\n")
                .doesNotContain("\nSession attributes:");
    }

    @Test
    void retrieveAndGenerateContinuesTheSessionItMade() {
        RetrieveAndGenerateResponse first = client.retrieveAndGenerate(r -> r
                        .input(i -> i.text("Refund policy?"))
                        .retrieveAndGenerateConfiguration(c -> c.type(RetrieveAndGenerateType.KNOWLEDGE_BASE)
                                .knowledgeBaseConfiguration(k -> k.knowledgeBaseId("KB1").modelArn("m"))))
                .orTimeout(10, TimeUnit.SECONDS).join();
        RetrieveAndGenerateResponse second = client.retrieveAndGenerate(r -> r.sessionId(first.sessionId())
                        .input(i -> i.text("And for enterprise?"))
                        .retrieveAndGenerateConfiguration(c -> c.type(RetrieveAndGenerateType.KNOWLEDGE_BASE)
                                .knowledgeBaseConfiguration(k -> k.knowledgeBaseId("KB1").modelArn("m"))))
                .orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(first.output().text()).endsWith("Session turn: 1\n");
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(second.output().text()).endsWith("Session turn: 2\n");
    }

    @ParameterizedTest
    @CsvSource({
            "[emulator:throttle=1],       ThrottlingException,       429, true",
            "[emulator:internal-error=1], InternalServerException,   500, true",
            "[emulator:validation],       ValidationException,       400, false",
            "[emulator:access-denied],    AccessDeniedException,     403, false",
            "[emulator:not-found],        ResourceNotFoundException, 404, false",
            "[emulator:stream-error=1],   InternalServerException,   500, true",
            "[emulator:stream-error=1][emulator:stream-error-type=dependencyFailedException], DependencyFailedException, 424, true",
            "[emulator:stream-error=1][emulator:stream-error-type=throttlingException],       ThrottlingException,       429, true",
            "[emulator:stream-error=1][emulator:stream-error-type=validationException],       ValidationException,       400, false",
            "[emulator:drop=1],           ConnectionError,           0,   true",
    })
    void errorsSurfaceAsTheSdkExceptionAndAreClassified(String directive, String code, int status, boolean retryable) {
        String session = "e-" + UUID.randomUUID();
        Throwable thrown = catchThrowable(() -> invoke(session, "Question " + directive));

        assertThat(thrown).isInstanceOf(CompletionException.class);
        if (!code.equals("ConnectionError")) {
            assertThat(thrown.getCause().getClass().getSimpleName()).isEqualTo(code);
        }
        AgentCallException error = AgentErrors.classify(thrown);
        assertThat(error.errorCode()).isEqualTo(code);
        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.retryable()).isEqualTo(retryable);
        assertThat(error).isInstanceOf(retryable ? RetryableAgentException.class : PermanentAgentException.class);
        assertThat(error.getMessage()).startsWith("InvokeAgent failed: " + code).doesNotContain("emulator-secret-key");
    }

    /**
     * Canary for why {@link TruncatedStreamGuard} exists: SDK 2.41 + Netty completes an InvokeAgent
     * call normally when the connection closes mid-stream, with half an answer. If this starts
     * failing, the SDK reports such cuts itself and the guard may be dropped.
     */
    @Test
    void withoutTheGuardTheSdkSilentlyTruncatesADroppedStream() {
        AgentAnswerCollector collector = new AgentAnswerCollector(1 << 20, 10);
        guardless.invokeAgent(InvokeAgentRequest.builder().agentId("A").agentAliasId("B").sessionId("g-" + UUID.randomUUID())
                .inputText("Question [emulator:drop=1]").build(), collector).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(collector.answerBytes()).isPositive()
                .isLessThan(EmulatorAnswers.markdown("Question [emulator:drop=1]", 0).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void retrieveAndGenerateAnswersJson() {
        RetrieveAndGenerateResponse response = client.retrieveAndGenerate(r -> r
                        .input(i -> i.text("Which deals closed in Q3?"))
                        .retrieveAndGenerateConfiguration(c -> c.type(RetrieveAndGenerateType.KNOWLEDGE_BASE)
                                .knowledgeBaseConfiguration(k -> k.knowledgeBaseId("KB1").modelArn("arn:aws:bedrock:us-east-1::foundation-model/x"))))
                .orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(response.output().text()).contains("You asked: \"Which deals closed in Q3?\"", "deal_stage");
        assertThat(response.sessionId()).isNotBlank();
        assertThat(response.citations()).isEmpty();
    }

    @Test
    void retrieveAndGenerateHonoursThrottleDirectivePerSession() {
        String session = "rag-" + UUID.randomUUID();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            failures.add(catchThrowable(() -> client.retrieveAndGenerate(r -> r.sessionId(session)
                    .input(in -> in.text("[emulator:throttle=1] Which deals?"))
                    .retrieveAndGenerateConfiguration(c -> c.type(RetrieveAndGenerateType.KNOWLEDGE_BASE)
                            .knowledgeBaseConfiguration(k -> k.knowledgeBaseId("KB1").modelArn("m")))).join()));
        }
        assertThat(AgentErrors.classify(failures.get(0)).errorCode()).isEqualTo("ThrottlingException");
        assertThat(failures.get(1)).isNull();
        assertThat(emulator.callsForSession(session)).isEqualTo(2);
    }
}
