package gateway.sqs;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * One exchange waiting in an {@code sqs-batch} endpoint: its request entry (without the batch id, which
 * the call assigns), its size, and how to finish it. Compared by identity: two equal messages are still
 * two entries.
 */
final class SqsBatchEntry {

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final Object request;
    private final int bytes;

    SqsBatchEntry(Exchange exchange, AsyncCallback callback, Object request, int bytes) {
        this.exchange = exchange;
        this.callback = callback;
        this.request = request;
        this.bytes = bytes;
    }

    Exchange exchange() {
        return exchange;
    }

    Object request() {
        return request;
    }

    int bytes() {
        return bytes;
    }

    void succeed() {
        callback.done(false);
    }

    void fail(Exception e) {
        exchange.setException(e);
        callback.done(false);
    }
}
