package gateway.agent;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import gateway.local.EmulatorAnswers;
import gateway.local.EventStreamFrames;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmulatorAnswersTest {

    @Test
    void answerHasEveryMarkdownFeatureAndEchoesTheRequestOnly() {
        String prompt = new PromptBuilder().build("Which deals close this quarter? [emulator:latency=5]");
        String answer = EmulatorAnswers.markdown(prompt, 0);

        assertThat(answer).startsWith("# ")
                .contains("\n- ", "**Negotiation**", "[the pipeline report](https://example.com/reports/pipeline)",
                        "```sql\n", "| deal_stage | close_date | amount |\n|---|---|---|", "deal_stage", "close_date",
                        "$1.2M * 2", "€", "😀", "ü", "You asked: \"Which deals close this quarter?\"")
                .doesNotContain("emulator:", "USER REQUEST", "Current quarter");
        assertThat(EmulatorAnswers.markdown(prompt, 0)).isEqualTo(answer);
    }

    @Test
    void theAnswerEndsWithItsSessionLinesAfterAnyFiller() {
        assertThat(EmulatorAnswers.markdown("q", 0)).endsWith("|\n\nSession turn: 1\n");
        assertThat(EmulatorAnswers.markdown("q", 0, 3, Map.of("z", "1", "a", "2"), Map.of()))
                .endsWith("\n\nSession turn: 3\nSession attributes: a=2, z=1\n");
        assertThat(EmulatorAnswers.markdown("q", 5_000, 2, Map.of(), Map.of("p", "v")))
                .contains("Filler line 1").endsWith(" tests.\n\nSession turn: 2\nPrompt session attributes: p=v\n");
        assertThat(EmulatorAnswers.sessionLines(1, null, null)).isEqualTo("Session turn: 1\n");
    }

    @Test
    void echoIsBoundedWithoutBreakingSurrogatePairs() {
        String echo = EmulatorAnswers.echo("😀".repeat(500));
        assertThat(echo).isEqualTo("😀".repeat(EmulatorAnswers.MAX_ECHO_CODE_POINTS) + "...");
    }

    @Test
    void padsToTheRequestedSize() {
        assertThat(EmulatorAnswers.markdown("q", 100_000).getBytes(StandardCharsets.UTF_8).length).isBetween(100_000, 100_200);
    }

    @Test
    void chunksKeepCharactersWholeUnlessAskedToSplitThem() throws Exception {
        byte[] bytes = "ab€cd😀ef ü".getBytes(StandardCharsets.UTF_8);
        for (List<byte[]> chunks : List.of(EmulatorAnswers.chunks(bytes, 3, false), EmulatorAnswers.chunks(bytes, 3, true))) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (byte[] c : chunks) {
                joined.write(c);
            }
            assertThat(joined.toByteArray()).isEqualTo(bytes);
        }
        assertThat(EmulatorAnswers.chunks(bytes, 3, false))
                .allSatisfy(c -> assertThat(new String(c, StandardCharsets.UTF_8)).doesNotContain("\uFFFD"));
        assertThat(EmulatorAnswers.chunks(bytes, 3, true))
                .anySatisfy(c -> assertThat(new String(c, StandardCharsets.UTF_8)).contains("\uFFFD"));
    }

    @Test
    void frameTrackerSeesWhetherAStreamEndedBetweenFrames() {
        Buffer frames = Buffer.buffer().appendBuffer(EventStreamFrames.chunk("hello".getBytes(StandardCharsets.UTF_8)))
                .appendBuffer(EventStreamFrames.exception("internalServerException", "x"));
        byte[] all = frames.getBytes();
        TruncatedStreamGuard.FrameTracker whole = new TruncatedStreamGuard.FrameTracker();
        for (int i = 0; i < all.length; i += 7) { // arbitrary network pieces
            whole.accept(ByteBuffer.wrap(all, i, Math.min(7, all.length - i)));
        }
        assertThat(whole.atFrameBoundary()).isTrue();

        TruncatedStreamGuard.FrameTracker cut = new TruncatedStreamGuard.FrameTracker();
        cut.accept(ByteBuffer.wrap(all, 0, all.length - 3));
        assertThat(cut.atFrameBoundary()).isFalse();
        TruncatedStreamGuard.FrameTracker cutInPrefix = new TruncatedStreamGuard.FrameTracker();
        cutInPrefix.accept(ByteBuffer.wrap(all, 0, 2));
        assertThat(cutInPrefix.atFrameBoundary()).isFalse();
    }
}
