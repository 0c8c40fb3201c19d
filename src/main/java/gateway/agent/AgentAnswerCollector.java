package gateway.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponse;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponseHandler;
import software.amazon.awssdk.services.bedrockagentruntime.model.OrchestrationTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.PayloadPart;
import software.amazon.awssdk.services.bedrockagentruntime.model.ResponseStream;
import software.amazon.awssdk.services.bedrockagentruntime.model.Trace;
import software.amazon.awssdk.services.bedrockagentruntime.model.TracePart;

/**
 * Response handler of one InvokeAgent call: collects the {@code chunk} bytes of the final response
 * and a bounded summary of its {@code trace} events.
 *
 * <p>Every new response or event stream resets what was collected, so chunks an SDK retry replays
 * are never counted twice. The bytes are decoded as UTF-8 once, over the whole answer, because a
 * character may be split across chunks. An answer above {@code maxAnswerBytes} aborts the stream
 * and completes {@link #aborted()} with a permanent {@code AnswerTooLarge} error.
 *
 * <p>While the call runs it shows what it does to its {@link AgentProgress}: each trace event that shows a step
 * ({@link AgentSteps}) as {@link AgentProgress#step}, and, when {@code streamAnswer}, the chunks' text as
 * {@link AgentProgress#answerPart}: decoded as they come, with an incomplete character at a chunk's end carried to the
 * next part, so the parts concatenate to exactly the answer. The listener is called outside this collector's lock, in
 * the stream's order; what it throws is logged at DEBUG and never breaks the call. Steps and parts go out as they
 * arrive and are not taken back: a stream that replaces an earlier one (an SDK retry) may repeat some.
 */
public class AgentAnswerCollector implements InvokeAgentResponseHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AgentAnswerCollector.class);
    static final int MAX_TRACE_TEXT = 160;

    private final long maxAnswerBytes;
    private final int maxTraceEvents;
    private final AgentProgress progress;
    private final boolean streamAnswer;
    private final boolean includeInputs;
    /** The bytes of an incomplete UTF-8 character at the end of the last chunk, passed on with the next part. */
    private byte[] partTail = new byte[0];
    private final CompletableFuture<Void> aborted = new CompletableFuture<>();
    private volatile AgentCallException abortError;

    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private final List<String> traceSummary = new ArrayList<>();
    private int traceCount;
    private int streams;
    private InvokeAgentResponse response;

    public AgentAnswerCollector(long maxAnswerBytes, int maxTraceEvents) {
        this(maxAnswerBytes, maxTraceEvents, AgentProgress.NONE, false, false);
    }

    /**
     * @param progress      shown each step and, with {@code streamAnswer}, each part of the answer (null: none)
     * @param streamAnswer  pass the answer's text on in parts as its chunks arrive
     * @param includeInputs steps may show the inputs' values (action-group parameters, knowledge-base query):
     *                      {@code PROGRESS_INCLUDE_INPUTS}
     */
    public AgentAnswerCollector(long maxAnswerBytes, int maxTraceEvents, AgentProgress progress, boolean streamAnswer,
                                boolean includeInputs) {
        this.maxAnswerBytes = maxAnswerBytes;
        this.maxTraceEvents = maxTraceEvents;
        this.progress = progress == null ? AgentProgress.NONE : progress;
        this.streamAnswer = streamAnswer && this.progress != AgentProgress.NONE;
        this.includeInputs = includeInputs;
    }

    @Override
    public void responseReceived(InvokeAgentResponse response) {
        synchronized (this) {
            this.response = response;
            reset();
        }
    }

    @Override
    public void onEventStream(SdkPublisher<ResponseStream> publisher) {
        final int stream;
        synchronized (this) {
            reset();
            stream = ++streams;
        }
        publisher.subscribe(new Subscriber<ResponseStream>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ResponseStream event) {
                if (accept(stream, event)) {
                    subscription.request(1);
                } else {
                    subscription.cancel();
                }
            }

            @Override
            public void onError(Throwable t) {
                // the SDK fails the call's future with the same error
            }

            @Override
            public void onComplete() {
                // the SDK completes the call's future; an incomplete character left at the very end goes out as it
                // decodes in the answer (a replacement character)
                flushAnswerPart(stream);
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable throwable) {
        // the call's future fails with the final error; a retried attempt starts with responseReceived
    }

    @Override
    public void complete() {
        // nothing to do: the answer is read from the completed future's handler
    }

    /** Completes exceptionally when the stream was aborted by this collector (answer too large). */
    public CompletableFuture<Void> aborted() {
        return aborted;
    }

    /** Why this collector aborted the stream, or null. */
    public AgentCallException abortError() {
        return abortError;
    }

    /** The answer so far, decoded as UTF-8 over all bytes at once. */
    public synchronized String answer() {
        return answer.toString(StandardCharsets.UTF_8);
    }

    public synchronized int answerBytes() {
        return answer.size();
    }

    public synchronized int traceCount() {
        return traceCount;
    }

    public synchronized List<String> traceSummary() {
        return List.copyOf(traceSummary);
    }

    public synchronized InvokeAgentResponse response() {
        return response;
    }

    /** Handles one event; false when the stream must stop. Visible for tests. */
    boolean accept(int stream, ResponseStream event) {
        AgentStep step = null;
        String part = null;
        synchronized (this) {
            if (stream != streams || aborted.isDone()) {
                return false; // an older stream that a newer one replaced, or already aborted
            }
            if (event instanceof PayloadPart chunk) {
                if (!onChunk(chunk.bytes())) {
                    return false;
                }
                part = streamAnswer ? nextPart(chunk.bytes()) : null;
            } else if (event instanceof TracePart trace) {
                traceCount++;
                if (traceSummary.size() < maxTraceEvents) {
                    traceSummary.add(summarize(trace));
                }
                step = progress == AgentProgress.NONE ? null : AgentSteps.of(trace, includeInputs);
            }
            // returnControl / files events carry no answer text
        }
        // the listener outside the lock; events of one stream come one at a time, so in their order
        if (step != null) {
            show(step);
        }
        if (part != null && !part.isEmpty()) {
            showPart(part);
        }
        return true;
    }

    /** Passes on what is left of the current stream's answer text (see {@link #flushAnswerPart}): the call is over. */
    void finishAnswer() {
        int stream;
        synchronized (this) {
            stream = streams;
        }
        flushAnswerPart(stream);
    }

    /**
     * Passes on what is left of the answer's text after the last chunk (an incomplete character, as the answer decodes
     * it); called when the stream completed. Visible for tests.
     */
    void flushAnswerPart(int stream) {
        String rest;
        synchronized (this) {
            if (!streamAnswer || stream != streams || partTail.length == 0) {
                return;
            }
            rest = new String(partTail, StandardCharsets.UTF_8);
            partTail = new byte[0];
        }
        showPart(rest);
    }

    private void show(AgentStep step) {
        try {
            progress.step(step);
        } catch (Throwable e) {
            listenerFailed("a step", e);
        }
    }

    private void showPart(String part) {
        try {
            progress.answerPart(part);
        } catch (Throwable e) {
            listenerFailed("an answer part", e);
        }
    }

    /** What a listener threw: logged at DEBUG, the call goes on (the JVM's own errors excepted). */
    private static void listenerFailed(String what, Throwable e) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        LOG.debug("Agent progress listener failed on {} (the call goes on): {}", what, e.toString());
    }

    /**
     * The text of the chunk with the tail the last one left, up to its last complete UTF-8 character; an incomplete
     * one at its end is kept for the next part.
     */
    private String nextPart(SdkBytes bytes) {
        byte[] data = bytes == null ? new byte[0] : bytes.asByteArrayUnsafe();
        byte[] all = new byte[partTail.length + data.length];
        System.arraycopy(partTail, 0, all, 0, partTail.length);
        System.arraycopy(data, 0, all, partTail.length, data.length);
        int cut = completeLength(all);
        partTail = Arrays.copyOfRange(all, cut, all.length);
        return new String(all, 0, cut, StandardCharsets.UTF_8);
    }

    /** How many of the bytes end on a character boundary: all but an incomplete multi-byte character at the end. */
    static int completeLength(byte[] b) {
        int n = b.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int lead = b[i] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int length = lead >= 0xF8 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return n - i < length ? i : n;
        }
        return n; // no lead byte among the last four: malformed, decoded (replaced) as it is
    }

    /** Starts a new stream for tests that feed events without an SDK publisher. */
    synchronized int startStreamForTest() {
        reset();
        return ++streams;
    }

    private boolean onChunk(SdkBytes bytes) {
        if (bytes == null) {
            return true;
        }
        byte[] data = bytes.asByteArrayUnsafe();
        if ((long) answer.size() + data.length > maxAnswerBytes) {
            abortError = AgentErrors.answerTooLarge(maxAnswerBytes);
            aborted.completeExceptionally(abortError);
            return false;
        }
        answer.write(data, 0, data.length);
        return true;
    }

    private void reset() {
        answer.reset();
        partTail = new byte[0];
        traceSummary.clear();
        traceCount = 0;
    }

    /** A short, bounded description of a trace event: its kind and, for rationales, the start of the text. */
    static String summarize(TracePart part) {
        Trace trace = part.trace();
        if (trace == null) {
            return "trace";
        }
        StringBuilder s = new StringBuilder(String.valueOf(trace.type()).toLowerCase(Locale.ROOT));
        OrchestrationTrace orchestration = trace.orchestrationTrace();
        if (orchestration != null) {
            s.append('/').append(String.valueOf(orchestration.type()).toLowerCase(Locale.ROOT));
            if (orchestration.rationale() != null && orchestration.rationale().text() != null) {
                s.append(": ").append(orchestration.rationale().text().strip());
            }
        } else if (trace.failureTrace() != null && trace.failureTrace().failureReason() != null) {
            s.append(": ").append(trace.failureTrace().failureReason());
        }
        String text = s.toString().replaceAll("\\s+", " ");
        return text.length() > MAX_TRACE_TEXT ? text.substring(0, MAX_TRACE_TEXT) + "..." : text;
    }
}
