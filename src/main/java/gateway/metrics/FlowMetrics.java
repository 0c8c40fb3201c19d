package gateway.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's own Prometheus metrics, named for the questions an operator asks: how many requests
 * were accepted or rejected and why, how the agent calls go (outcome, error code, latency, in flight),
 * how deliveries go (outcome, status class), what was dead-lettered, how deep the queues are, how often
 * the tracking record store could not be used.
 */
public class FlowMetrics {

    private final MeterRegistry registry;

    public FlowMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void requestAccepted() {
        counter("gateway.requests", "Requests to POST /webhook by outcome and reason",
                "outcome", "accepted", "reason", "queued").increment();
    }

    public void requestRejected(int status) {
        counter("gateway.requests", "Requests to POST /webhook by outcome and reason",
                "outcome", "rejected", "reason", reason(status)).increment();
    }

    public void agentCall(String outcome, String errorCode, Duration took) {
        counter("gateway.agent.calls", "Agent calls by outcome and error code",
                "outcome", outcome, "error_code", errorCode).increment();
        Timer.builder("gateway.agent.call.duration").description("Agent call latency")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofMinutes(15))
                .register(registry).record(took);
    }

    /** One HTTP attempt of a delivery, by outcome, status class and target (caller and endpoint names, never a URL). */
    public void deliveryAttempt(String outcome, int status, String caller, String endpoint) {
        counter("gateway.delivery.attempts", "Webhook delivery attempts by outcome, HTTP status class and target",
                "outcome", outcome, "status_class", status <= 0 ? "none" : (status / 100) + "xx",
                "caller", caller, "endpoint", endpoint).increment();
    }

    public void delivered(String caller, String endpoint) {
        deliveryEnded("delivered", caller, endpoint);
    }

    /** A message the gateway moved to a DLQ; for the delivery stage, with its target (caller, endpoint). */
    public void deadLettered(String stage, String caller, String endpoint) {
        counter("gateway.dead.letters", "Messages the gateway moved to a dead-letter queue, by stage",
                "stage", stage == null ? "unknown" : stage).increment();
        if ("webhook-deliver".equals(stage)) {
            deliveryEnded("dead_lettered", caller, endpoint);
        }
    }

    private void deliveryEnded(String outcome, String caller, String endpoint) {
        counter("gateway.deliveries", "Deliveries that ended, by outcome and target (caller and endpoint names)",
                "outcome", outcome, "caller", caller, "endpoint", endpoint).increment();
    }

    /** A call to the record store (tracking records, conversation export) that failed; the flow went on. */
    /**
     * A cancelled question the agent stage stopped ({@code DELETE /webhook/{tracking_id}}), by where: {@code queued} (never
     * asked) or {@code agent} (its call aborted, or its answer dropped).
     */
    public void cancellation(String stage) {
        counter("gateway.cancellations", "Cancelled questions the agent stage stopped, by stage (queued: never asked; agent: call aborted or answer dropped)",
                "stage", stage).increment();
    }

    public void recordStoreError(String operation) {
        counter("gateway.record.store.errors", "Failed calls to the tracking record store, by operation (the flow carries on)",
                "operation", operation).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 405 -> "method_not_allowed";
            case 409 -> "idempotency_conflict";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 503 -> "queue_unavailable";
            default -> "http_" + status;
        };
    }
}
