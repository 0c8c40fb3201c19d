package gateway.sqs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * One question of a session at a time on this instance. SQS hands out a FIFO group's next message only when none of
 * the group is in flight, but one receive may hold several messages of a group, in order: the route would then ask
 * them all at once. This step lets the first of a group go on and parks the rest (without a thread), each continuing
 * when the one before it is done, in the order they were received. The one before failed and stays on the queue
 * (to be asked again): those parked behind it are marked {@link #PUT_BACK} instead, for the route to make them visible
 * again at once, after it in the group, without asking the agent. A message without a group goes on at once.
 */
public class SessionTurns extends AsyncProcessorSupport implements CamelContextAware {

    /** Exchange property: true when the question before this one in its session failed; the route puts it back. */
    public static final String PUT_BACK = "session_put_back";

    private record Parked(Exchange exchange, AsyncCallback callback) {
    }

    /** The groups with a message going on here, each with the messages waiting behind it. */
    private final Map<String, Deque<Parked>> busy = new HashMap<>();
    private CamelContext camelContext;
    private ExecutorService handOver;

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String group = exchange.getProperty(MessageGroups.GROUP, String.class);
        if (group == null) {
            callback.done(true);
            return true;
        }
        synchronized (busy) {
            Deque<Parked> waiting = busy.get(group);
            if (waiting != null) {
                waiting.addLast(new Parked(exchange, callback));
                return false;
            }
            busy.put(group, new ArrayDeque<>());
        }
        takeTurn(exchange, group);
        callback.done(true);
        return true;
    }

    /** Messages parked behind the ones going on here (for tests and a gauge). */
    public int parked() {
        synchronized (busy) {
            return busy.values().stream().mapToInt(Deque::size).sum();
        }
    }

    private void takeTurn(Exchange exchange, String group) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                next(group);
            }

            @Override
            public void onFailure(Exchange failed) {
                putBack(group);
            }
        });
    }

    /** The one before is done (answered, failed for good, dead-lettered): the next one parked goes on. */
    private void next(String group) {
        Parked next;
        synchronized (busy) {
            Deque<Parked> waiting = busy.get(group);
            next = waiting == null ? null : waiting.pollFirst();
            if (next == null) {
                busy.remove(group);
                return;
            }
        }
        takeTurn(next.exchange(), group);
        resume(next);
    }

    /** The one before stays on the queue: every one parked behind it goes back, in order, after it. */
    private void putBack(String group) {
        Deque<Parked> waiting;
        synchronized (busy) {
            waiting = busy.remove(group);
        }
        if (waiting != null && !waiting.isEmpty()) {
            // in their order, on one thread (their order in the group is SQS's, whatever the order of the put-backs)
            executor().execute(() -> {
                for (Parked p : waiting) {
                    p.exchange().setProperty(PUT_BACK, true);
                    p.callback().done(false);
                }
            });
        }
    }

    /** On a thread of its own: not on the completing exchange's, which may be an SQS or agent client's. */
    private void resume(Parked parked) {
        executor().execute(() -> parked.callback().done(false));
    }

    private synchronized ExecutorService executor() {
        if (handOver == null) {
            handOver = camelContext.getExecutorServiceManager().newCachedThreadPool(this, "session-turns");
        }
        return handOver;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
