package gateway.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Subscriber;
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
 */
public class AgentAnswerCollector implements InvokeAgentResponseHandler {

    static final int MAX_TRACE_TEXT = 160;

    private final long maxAnswerBytes;
    private final int maxTraceEvents;
    private final CompletableFuture<Void> aborted = new CompletableFuture<>();
    private volatile AgentCallException abortError;

    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private final List<String> traceSummary = new ArrayList<>();
    private int traceCount;
    private int streams;
    private InvokeAgentResponse response;

    public AgentAnswerCollector(long maxAnswerBytes, int maxTraceEvents) {
        this.maxAnswerBytes = maxAnswerBytes;
        this.maxTraceEvents = maxTraceEvents;
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
                // the SDK completes the call's future
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
    synchronized boolean accept(int stream, ResponseStream event) {
        if (stream != streams || aborted.isDone()) {
            return false; // an older stream that a newer one replaced, or already aborted
        }
        if (event instanceof PayloadPart chunk) {
            return onChunk(chunk.bytes());
        }
        if (event instanceof TracePart trace) {
            traceCount++;
            if (traceSummary.size() < maxTraceEvents) {
                traceSummary.add(summarize(trace));
            }
        }
        return true; // returnControl / files events carry no answer text
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
