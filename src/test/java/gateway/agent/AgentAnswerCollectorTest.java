package gateway.agent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponse;
import software.amazon.awssdk.services.bedrockagentruntime.model.ResponseStream;

import static org.assertj.core.api.Assertions.assertThat;

class AgentAnswerCollectorTest {

    private static ResponseStream chunk(byte[] bytes) {
        return ResponseStream.chunkBuilder().bytes(SdkBytes.fromByteArray(bytes)).build();
    }

    private static ResponseStream chunk(String text) {
        return chunk(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseStream rationale(String text) {
        return ResponseStream.traceBuilder()
                .trace(t -> t.orchestrationTrace(o -> o.rationale(r -> r.text(text))))
                .build();
    }

    @Test
    void aNewResponseResetsWhatAnEarlierAttemptCollected() {
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5);
        collector.responseReceived(InvokeAgentResponse.builder().build());
        int first = collector.startStreamForTest();
        collector.accept(first, chunk("Hello, "));
        collector.accept(first, rationale("thinking"));

        collector.responseReceived(InvokeAgentResponse.builder().sessionId("s").build()); // the SDK retried
        int second = collector.startStreamForTest();
        assertThat(collector.accept(first, chunk("stale"))).isFalse(); // late event of the old stream
        collector.accept(second, chunk("Hello, "));
        collector.accept(second, chunk("world"));

        assertThat(collector.answer()).isEqualTo("Hello, world");
        assertThat(collector.traceCount()).isZero();
        assertThat(collector.response().sessionId()).isEqualTo("s");
    }

    @Test
    void decodesUtf8OnceSoCharactersSplitAcrossChunksSurvive() {
        byte[] bytes = "€ 😀 ü".getBytes(StandardCharsets.UTF_8);
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5);
        int stream = collector.startStreamForTest();
        for (int i = 0; i < bytes.length; i++) {
            collector.accept(stream, chunk(Arrays.copyOfRange(bytes, i, i + 1))); // one byte per chunk
        }
        assertThat(collector.answer()).isEqualTo("€ 😀 ü");
    }

    @Test
    void anAnswerAboveTheLimitAbortsWithAPermanentError() {
        AgentAnswerCollector collector = new AgentAnswerCollector(10, 5);
        int stream = collector.startStreamForTest();
        assertThat(collector.accept(stream, chunk("0123456789"))).isTrue();
        assertThat(collector.accept(stream, chunk("!"))).isFalse();

        assertThat(collector.aborted()).isCompletedExceptionally();
        assertThat(collector.abortError()).isInstanceOf(PermanentAgentException.class);
        assertThat(collector.abortError().errorCode()).isEqualTo("AnswerTooLarge");
        assertThat(collector.accept(stream, chunk("x"))).isFalse();
    }

    @Test
    void keepsABoundedShortTraceSummaryButCountsAll() {
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 2);
        int stream = collector.startStreamForTest();
        collector.accept(stream, rationale("first " + "x".repeat(500)));
        collector.accept(stream, rationale("second"));
        collector.accept(stream, rationale("third"));
        collector.accept(stream, ResponseStream.traceBuilder().build()); // a trace event without a body

        assertThat(collector.traceCount()).isEqualTo(4);
        assertThat(collector.traceSummary()).hasSize(2);
        assertThat(collector.traceSummary().get(0)).startsWith("orchestration_trace/rationale: first xxx")
                .hasSize(AgentAnswerCollector.MAX_TRACE_TEXT + 3);
        assertThat(collector.traceSummary().get(1)).isEqualTo("orchestration_trace/rationale: second");
    }

    /** Records what a call shows. */
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

    @Test
    void showsEachStepAndTheAnswerInPartsThatConcatenateToIt() {
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5, recorder, true, false);
        int stream = collector.startStreamForTest();
        collector.accept(stream, rationale("I look it up"));
        collector.accept(stream, ResponseStream.traceBuilder().trace(AgentStepsTest.actionGroup()).build());
        byte[] bytes = "€ 😀 ü done".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            collector.accept(stream, chunk(Arrays.copyOfRange(bytes, i, i + 1))); // one byte per chunk
        }
        collector.finishAnswer();

        assertThat(recorder.steps).containsExactly(new AgentStep("rationale", null, null, "I look it up"),
                new AgentStep("action_group", "crm-deals", "/deals/{dealId}", "calls GET /deals/{dealId}"));
        assertThat(String.join("", recorder.parts)).isEqualTo("€ 😀 ü done").isEqualTo(collector.answer());
        assertThat(recorder.parts).doesNotContain("\uFFFD", "").contains("€", "😀", "ü");
    }

    @Test
    void anIncompleteCharacterAtTheVeryEndGoesOutAsTheAnswerDecodesIt() {
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5, recorder, true, false);
        int stream = collector.startStreamForTest();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        collector.accept(stream, chunk("ok "));
        collector.accept(stream, chunk(Arrays.copyOfRange(euro, 0, 2))); // the stream ends inside a character
        collector.flushAnswerPart(stream);

        assertThat(String.join("", recorder.parts)).isEqualTo(collector.answer()).isEqualTo("ok \uFFFD");
    }

    @Test
    void withoutStreamAnswerNoPartsAndWithoutAListenerNoSteps() {
        Recorder recorder = new Recorder();
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5, recorder, false, false);
        int stream = collector.startStreamForTest();
        collector.accept(stream, rationale("thinking"));
        collector.accept(stream, chunk("answer"));
        collector.finishAnswer();
        assertThat(recorder.steps).hasSize(1);
        assertThat(recorder.parts).isEmpty();

        AgentAnswerCollector plain = new AgentAnswerCollector(1000, 5, null, true, false);
        int s = plain.startStreamForTest();
        assertThat(plain.accept(s, rationale("thinking"))).isTrue();
        assertThat(plain.accept(s, chunk("answer"))).isTrue();
        assertThat(plain.answer()).isEqualTo("answer");
    }

    @Test
    void aListenerThatThrowsNeverBreaksTheCollection() {
        AgentProgress throwing = new AgentProgress() {
            @Override
            public void step(AgentStep step) {
                throw new IllegalStateException("listener broke");
            }

            @Override
            public void answerPart(String text) {
                throw new AssertionError("listener broke too");
            }
        };
        AgentAnswerCollector collector = new AgentAnswerCollector(1000, 5, throwing, true, false);
        int stream = collector.startStreamForTest();
        assertThat(collector.accept(stream, rationale("thinking"))).isTrue();
        assertThat(collector.accept(stream, chunk("Hello, "))).isTrue();
        assertThat(collector.accept(stream, chunk("world"))).isTrue();
        assertThat(collector.answer()).isEqualTo("Hello, world");
        assertThat(collector.traceSummary()).containsExactly("orchestration_trace/rationale: thinking");
    }

    @Test
    void utf8BoundaryOfAChunksEnd() {
        byte[] smile = "😀".getBytes(StandardCharsets.UTF_8);
        assertThat(AgentAnswerCollector.completeLength(new byte[0])).isZero();
        assertThat(AgentAnswerCollector.completeLength("ab".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(AgentAnswerCollector.completeLength(smile)).isEqualTo(4);
        for (int cut = 1; cut < 4; cut++) {
            byte[] head = Arrays.copyOf("a".getBytes(StandardCharsets.UTF_8), 1 + cut);
            System.arraycopy(smile, 0, head, 1, cut);
            assertThat(AgentAnswerCollector.completeLength(head)).as("cut after %d bytes", cut).isEqualTo(1);
        }
    }
}
