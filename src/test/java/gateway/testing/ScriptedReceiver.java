package gateway.testing;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import gateway.local.LocalReceiver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The local receiver as tests use it: answers scripted in advance ({@link #respondWith(int...)},
 * {@link Response#retryAfter}, {@link Response#after}), and a wait for deliveries ({@link #awaitDeliveries}).
 */
public final class ScriptedReceiver extends LocalReceiver {

    private final Queue<Response> script = new ConcurrentLinkedQueue<>();
    private volatile Response fallback = Response.status(200);
    private final Object arrivals = new Object();
    private volatile boolean contractChecked = true;

    /** On the given Vert.x instance (not closed by this receiver); port 0 picks a free one. */
    public ScriptedReceiver(Vertx vertx, int port, String secrets, int capacity) {
        super(vertx, false, port, secrets, capacity);
    }

    private ScriptedReceiver(Vertx vertx, String secrets) {
        super(vertx, true, 0, secrets, 100);
    }

    @Override
    public ScriptedReceiver start() {
        super.start();
        return this;
    }

    /** A started receiver on a random loopback port with its own Vert.x (closed by {@link #close()}). */
    public static ScriptedReceiver startOnRandomPort(String secrets) {
        ScriptedReceiver receiver = new ScriptedReceiver(Vertx.vertx(), secrets);
        receiver.start();
        return receiver;
    }

    /** Answer the next deliveries with these statuses, in order, then the default (200). */
    public ScriptedReceiver respondWith(int... statuses) {
        Response[] responses = new Response[statuses.length];
        for (int i = 0; i < statuses.length; i++) {
            responses[i] = Response.status(statuses[i]);
        }
        return respondWith(responses);
    }

    /** Replaces the script: the next deliveries get these answers, in order, then the default. */
    public ScriptedReceiver respondWith(Response... responses) {
        script.clear();
        Collections.addAll(script, responses);
        return this;
    }

    /** The answer once the script is used up (initially 200). */
    public ScriptedReceiver respondByDefault(Response response) {
        this.fallback = response;
        return this;
    }

    /** Forgets kept deliveries, the count and the script. */
    @Override
    public void clear() {
        super.clear();
        script.clear();
    }

    @Override
    protected Response nextResponse() {
        Response next = script.poll();
        return next == null ? fallback : next;
    }

    /**
     * For the tests of the receiver itself, which post it hand-made requests: they are not held to the OpenAPI document
     * (every other receiver's deliveries come from the gateway, and are).
     */
    public ScriptedReceiver withoutContractCheck() {
        contractChecked = false;
        return this;
    }

    /** Every delivery must be a webhook of the public OpenAPI document ({@link ApiContract#checkWebhook}). */
    @Override
    protected void delivered(Delivery delivery) {
        if (contractChecked) {
            ContractViolations.record(ApiContract.gateway().checkWebhook(delivery.headers(), delivery.body()));
        }
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    /**
     * Waits until at least {@code count} deliveries have arrived, then returns the latest ones (oldest first).
     * Throws {@link AssertionError} on timeout, naming how many came. Never on an event loop.
     */
    public List<Delivery> awaitDeliveries(int count, Duration timeout) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("awaitDeliveries would block an event loop");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (receivedCount() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " deliveries within " + timeout
                            + " but got " + receivedCount());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(arrivals, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for deliveries", e);
                }
            }
        }
        return deliveries();
    }
}
