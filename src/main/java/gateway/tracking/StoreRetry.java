package gateway.tracking;

import java.util.Optional;
import java.util.function.Supplier;

import gateway.metrics.FlowMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small bounded retry around record-store calls: {@code tries} calls, {@code delayMs} apart (doubling).
 * Every failed call counts in {@code gateway_record_store_errors_total}; when all tries fail the caller
 * gets an empty answer and one WARN line (tracking id, operation, error class: never the record's
 * content, the query or a secret). The flow never stops for the store.
 */
public class StoreRetry {

    private static final Logger LOG = LoggerFactory.getLogger(StoreRetry.class);

    private final FlowMetrics metrics;
    private final int tries;
    private final long delayMs;

    public StoreRetry(FlowMetrics metrics, int tries, long delayMs) {
        this.metrics = metrics;
        this.tries = Math.max(1, tries);
        this.delayMs = Math.max(0, delayMs);
    }

    /** The call's result, or empty when every try failed (already logged and counted). */
    public <T> Optional<T> attempt(String operation, String trackingId, Supplier<T> call) {
        try {
            return Optional.ofNullable(orThrow(operation, trackingId, call));
        } catch (RecordStoreUnavailable e) {
            LOG.warn("Record store: gave up on '{}' for {} after {} tries: {}", operation, trackingId, tries, e.getMessage());
            return Optional.empty();
        }
    }

    /** The call's result, or {@link RecordStoreUnavailable} when every try failed (counted, not logged). */
    public <T> T orThrow(String operation, String trackingId, Supplier<T> call) {
        long delay = delayMs;
        for (int i = 1; ; i++) {
            try {
                return call.get();
            } catch (RecordStoreUnavailable e) {
                metrics.recordStoreError(operation);
                if (i >= tries) {
                    throw e;
                }
                LOG.debug("Record store: '{}' for {} failed (try {} of {}): {}", operation, trackingId, i, tries, e.getMessage());
                sleep(delay);
                delay *= 2;
            } catch (IllegalArgumentException e) {
                // a tracking id that is not a UUID: nothing to retry
                metrics.recordStoreError(operation);
                throw new RecordStoreUnavailable("record store: " + e.getMessage(), null);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordStoreUnavailable("record store: interrupted", e);
        }
    }
}
