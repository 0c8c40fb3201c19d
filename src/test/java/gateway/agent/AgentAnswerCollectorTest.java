package gateway.agent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
}
