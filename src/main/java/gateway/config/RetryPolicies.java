package gateway.config;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.PropertyInject;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * Every short-term retry rule of the gateway, each once, by name: the routes' {@code onException} clauses name them
 * ({@code .redeliveryPolicyRef("agentRetryPolicy")}), so a rule used by two clauses is written once, and changing
 * "3 retries" is one setting. The long-term retry is SQS's (a message left on its queue comes back after its visibility
 * timeout, and goes to its DLQ after {@code MAX_RECEIVE_COUNT} receives), and the deliveries' long schedule is
 * {@code DELIVERY_SCHEDULE}.
 * <ul>
 *   <li>{@code agentRetryPolicy}: a transient agent error (throttling, 5xx, timeouts, broken streams) is tried again
 *       {@code AGENT_RETRY_MAX} times, after {@code AGENT_RETRY_DELAY_MS}, doubling, ±20 %;</li>
 *   <li>{@code deliveryRetryPolicy}: a delivery answered 408, 429 or 5xx, or that could not connect, is tried again
 *       {@code DELIVERY_RETRY_MAX} times, after {@code DELIVERY_RETRY_DELAY_MS}, doubling, ±20 %, at most
 *       {@code DELIVERY_RETRY_MAX_DELAY_MS} (or after the receiver's {@code Retry-After}, see
 *       {@code gateway.delivery.DeliveryFailures}); each failed attempt is logged by the gateway, not by Camel (whose line
 *       would quote the receiver's URL);</li>
 *   <li>{@code recordStoreRetryPolicy}: a call to the record store is made {@code RECORD_STORE_TRIES} times in all, the
 *       second after {@code RECORD_STORE_RETRY_DELAY_MS}, doubling.</li>
 * </ul>
 * Waits are asynchronous (no thread sleeps through them), and an exhausted policy logs nothing itself: each route says
 * what it does next.
 */
public class RetryPolicies implements CamelConfiguration {

    @PropertyInject("gateway.agent.retry.max")
    private int agentRetryMax;
    @PropertyInject("gateway.agent.retry.delay-ms")
    private long agentRetryDelayMs;
    @PropertyInject("gateway.agent.retry.jitter")
    private double agentRetryJitter;
    @PropertyInject("gateway.delivery.retry.max")
    private int deliveryRetryMax;
    @PropertyInject("gateway.delivery.retry.delay-ms")
    private long deliveryRetryDelayMs;
    @PropertyInject("gateway.delivery.retry.jitter")
    private double deliveryRetryJitter;
    @PropertyInject("gateway.delivery.retry.max-delay-ms")
    private long deliveryRetryMaxDelayMs;
    @PropertyInject("gateway.tracking.store-tries")
    private int storeTries;
    @PropertyInject("gateway.tracking.store-retry-delay-ms")
    private long storeRetryDelayMs;

    @BindToRegistry("agentRetryPolicy")
    public RedeliveryPolicy agentRetryPolicy() {
        RedeliveryPolicy policy = doubling(agentRetryMax, agentRetryDelayMs, agentRetryJitter);
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN); // the agent's error says only its code, status and request id
        return policy;
    }

    @BindToRegistry("deliveryRetryPolicy")
    public RedeliveryPolicy deliveryRetryPolicy() {
        RedeliveryPolicy policy = doubling(deliveryRetryMax, deliveryRetryDelayMs, deliveryRetryJitter);
        policy.setMaximumRedeliveryDelay(deliveryRetryMaxDelayMs);
        policy.setLogRetryAttempted(false); // gateway.delivery.DeliveryFailures logs each attempt, by the target's label
        return policy;
    }

    @BindToRegistry("recordStoreRetryPolicy")
    public RedeliveryPolicy recordStoreRetryPolicy() {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(Math.max(1, storeTries) - 1);
        policy.setRedeliveryDelay(storeRetryDelayMs);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setLogExhausted(false);
        return policy;
    }

    private static RedeliveryPolicy doubling(int retries, long delayMs, double jitter) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(retries);
        policy.setRedeliveryDelay(delayMs);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setUseCollisionAvoidance(true);
        policy.setCollisionAvoidanceFactor(jitter);
        policy.setAsyncDelayedRedelivery(true);
        policy.setLogExhausted(false);
        return policy;
    }

    @Override
    public void configure(CamelContext context) {
        // the policies above are all this class does
    }
}
