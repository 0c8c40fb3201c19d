package gateway.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route policy of the SQS-consuming routes: remembers the messages being worked on and, when the route stops with
 * some still unfinished (the shutdown grace period ran out), makes them visible again at once through the route's
 * {@code sqs-batch:<queue>?operation=changeMessageVisibility} endpoint, so another replica takes them now rather
 * than after the visibility timeout.
 *
 * <p>The policy sends to that endpoint itself, not to a {@code direct:} route: when the grace period runs out
 * Camel stops every route's consumer, {@code direct:} ones included, before the routes' policies hear of the stop.
 */
public class ReleaseOnShutdown extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseOnShutdown.class);
    private static final long RELEASE_WAIT_SECONDS = 10;

    private final String releaseUri;
    private final Map<String, String> receipts = new ConcurrentHashMap<>();
    private volatile Endpoint release;
    private volatile AsyncProducer producer;

    /** @param releaseUri the queue's {@code sqs-batch:<queue>?operation=changeMessageVisibility} endpoint */
    public ReleaseOnShutdown(String releaseUri) {
        this.releaseUri = releaseUri;
    }

    @Override
    public void onInit(Route route) {
        // resolved and started with the route: endpoints outlive the routes' stop, a producer made then might not
        release = route.getCamelContext().getEndpoint(releaseUri);
    }

    @Override
    public void onStart(Route route) {
        try {
            AsyncProducer started = release.createAsyncProducer();
            ServiceHelper.startService(started);
            producer = started;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the release endpoint " + releaseUri, e);
        }
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        String receipt = exchange.getMessage().getHeader(SqsBatchConstants.RECEIPT_HANDLE, String.class);
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
        try {
            release(route.getRouteId());
        } finally {
            ServiceHelper.stopService(producer);
            producer = null;
        }
    }

    private void release(String routeId) {
        AsyncProducer to = producer;
        if (receipts.isEmpty() || to == null) {
            return;
        }
        List<String> pending = List.copyOf(receipts.values());
        receipts.clear();
        // all at once: the endpoint shares its batch calls among them
        List<CompletableFuture<Exchange>> sent = new ArrayList<>(pending.size());
        for (String receipt : pending) {
            Exchange exchange = release.createExchange();
            exchange.getMessage().setHeader(SqsBatchConstants.RECEIPT_HANDLE, receipt);
            exchange.getMessage().setHeader(SqsBatchConstants.VISIBILITY_TIMEOUT, 0);
            sent.add(to.processAsync(exchange));
        }
        int failed = 0;
        for (CompletableFuture<Exchange> call : sent) {
            try {
                if (call.get(RELEASE_WAIT_SECONDS, TimeUnit.SECONDS).getException() != null) {
                    failed++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed++;
            } catch (Exception e) {
                failed++;
            }
        }
        if (failed > 0) {
            LOG.warn("Could not release {} message(s) of route {}: they return after their visibility timeout", failed, routeId);
        }
        if (failed < pending.size()) {
            LOG.warn("Shutdown: released {} unfinished message(s) of route {} for another replica", pending.size() - failed, routeId);
        }
    }
}
