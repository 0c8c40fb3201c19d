package gateway.sqs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;

/**
 * Route policy of the SQS-consuming routes: remembers the messages being worked on and, when the
 * route stops with some still unfinished (the shutdown grace period ran out), makes them visible
 * again at once so another replica takes them now rather than after the visibility timeout.
 */
public class ReleaseOnShutdown extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseOnShutdown.class);

    private final SqsClient sqs;
    private final String queueName;
    private final Map<String, String> receipts = new ConcurrentHashMap<>();

    public ReleaseOnShutdown(SqsClient sqs, String queueName) {
        this.sqs = sqs;
        this.queueName = queueName;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        String receipt = exchange.getMessage().getHeader(DeadLetters.RECEIPT_HANDLE, String.class);
        if (receipt != null) {
            String id = exchange.getExchangeId();
            receipts.put(id, receipt);
            // Not onExchangeDone: Camel skips a route policy's onExchangeDone while the context is
            // stopping, which is exactly when the grace period lets exchanges finish. An on-completion
            // runs whenever the exchange is done, so a finished message is never "released" again.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    receipts.remove(id);
                }
            });
        }
    }

    @Override
    public void onStop(Route route) {
        release();
    }

    public int unfinished() {
        return receipts.size();
    }

    void release() {
        if (receipts.isEmpty()) {
            return;
        }
        String url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
        var pending = receipts.values().stream().toList();
        receipts.clear();
        for (int i = 0; i < pending.size(); i += 10) {
            var entries = new java.util.ArrayList<ChangeMessageVisibilityBatchRequestEntry>();
            for (String receipt : pending.subList(i, Math.min(pending.size(), i + 10))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size())).receiptHandle(receipt).visibilityTimeout(0).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
            } catch (RuntimeException e) {
                LOG.warn("Could not release {} message(s) of {}: they return after their visibility timeout",
                        entries.size(), queueName);
            }
        }
        LOG.warn("Shutdown: released {} unfinished message(s) of {} for another replica", pending.size(), queueName);
    }
}
