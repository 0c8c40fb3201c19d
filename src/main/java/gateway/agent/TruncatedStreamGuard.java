package gateway.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

/**
 * Wraps the async HTTP client so that an event stream cut off in the middle of a frame fails the
 * call instead of completing it.
 *
 * <p>Why: with SDK 2.41 and the Netty client, when the server (or a proxy) closes the connection
 * before the end of a chunked {@code application/vnd.amazon.eventstream} body, the SDK completes
 * the call normally and the answer is silently truncated (seen with the emulator's
 * {@code [emulator:drop]}). This guard follows the frames' length prefixes and, when the body ends
 * inside a frame, signals an {@link IOException} to the SDK, which fails the call
 * ({@code ConnectionError}, retryable). A cut exactly between two frames cannot be told apart from
 * a normal end at this level.
 */
final class TruncatedStreamGuard implements SdkAsyncHttpClient {

    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private final SdkAsyncHttpClient delegate;

    TruncatedStreamGuard(SdkAsyncHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        AsyncExecuteRequest.Builder guarded = AsyncExecuteRequest.builder()
                .request(request.request())
                .requestContentPublisher(request.requestContentPublisher())
                .responseHandler(new GuardedHandler(request.responseHandler()))
                .fullDuplex(request.fullDuplex())
                .httpExecutionAttributes(request.httpExecutionAttributes());
        request.metricCollector().ifPresent(guarded::metricCollector);
        return delegate.execute(guarded.build());
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static final class GuardedHandler implements SdkAsyncHttpResponseHandler {
        private final SdkAsyncHttpResponseHandler delegate;
        private volatile boolean eventStream;

        GuardedHandler(SdkAsyncHttpResponseHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            eventStream = headers.isSuccessful() && headers.firstMatchingHeader("Content-Type")
                    .map(v -> v.toLowerCase().startsWith(EVENT_STREAM)).orElse(false);
            delegate.onHeaders(headers);
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            delegate.onStream(eventStream ? subscriber -> stream.subscribe(new FrameCheckingSubscriber(subscriber)) : stream);
        }

        @Override
        public void onError(Throwable error) {
            delegate.onError(error);
        }
    }

    /** Passes bytes through unchanged and turns an end inside a frame into an error. */
    static final class FrameCheckingSubscriber implements Subscriber<ByteBuffer> {
        private final Subscriber<? super ByteBuffer> downstream;
        private final FrameTracker frames = new FrameTracker();

        FrameCheckingSubscriber(Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Subscription s) {
            downstream.onSubscribe(s);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            frames.accept(buffer.duplicate());
            downstream.onNext(buffer);
        }

        @Override
        public void onError(Throwable t) {
            downstream.onError(t);
        }

        @Override
        public void onComplete() {
            if (frames.atFrameBoundary()) {
                downstream.onComplete();
            } else {
                downstream.onError(new IOException("Event stream ended inside a frame: the connection was closed before the response was complete"));
            }
        }
    }

    /** Follows the 4-byte big-endian total-length prefix of each event-stream frame. */
    static final class FrameTracker {
        private long remainingInFrame;
        private int prefixBytes;
        private int prefix;

        void accept(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                if (remainingInFrame == 0) {
                    prefix = (prefix << 8) | (bytes.get() & 0xFF);
                    if (++prefixBytes == 4) {
                        remainingInFrame = Integer.toUnsignedLong(prefix) - 4;
                        prefixBytes = 0;
                        prefix = 0;
                    }
                } else {
                    int skip = (int) Math.min(remainingInFrame, bytes.remaining());
                    bytes.position(bytes.position() + skip);
                    remainingInFrame -= skip;
                }
            }
        }

        boolean atFrameBoundary() {
            return remainingInFrame == 0 && prefixBytes == 0;
        }
    }
}
