package gateway.sqs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One long poll at a time per queue while it is idle. A work queue's consumers ({@code AGENT_CONSUMERS},
 * {@code DELIVERY_CONSUMERS}) each long-poll it: on an empty queue that is a ReceiveMessage per consumer every
 * {@code SQS_WAIT_TIME_SECONDS}, 18 calls a minute on an idle replica with the defaults, and one poll waiting is as
 * quick to see a new message as six. So once a poll of a queue came back empty, a consumer whose turn comes while
 * another poll of that queue is waiting skips it (no call; it looks again after {@code SQS_POLL_DELAY_MS}). A poll that
 * brings messages ends the idle state: every consumer polls again, as many as the work needs.
 */
final class IdlePolls {

    private static final class Queue {
        final AtomicInteger waiting = new AtomicInteger();
        volatile boolean idle;
    }

    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    /** Whether a consumer of {@code queue} may poll now; when true, {@link #ended} must follow. */
    boolean begin(String queue) {
        Queue q = queues.computeIfAbsent(queue, k -> new Queue());
        while (true) {
            int waiting = q.waiting.get();
            if (q.idle && waiting > 0) {
                return false;
            }
            if (q.waiting.compareAndSet(waiting, waiting + 1)) {
                return true;
            }
        }
    }

    /** A poll of {@code queue} ended: {@code polled} messages, or -1 when it failed (the idle state stays as it was). */
    void ended(String queue, int polled) {
        Queue q = queues.get(queue);
        if (q == null) {
            return;
        }
        q.waiting.updateAndGet(n -> Math.max(0, n - 1));
        if (polled >= 0) {
            q.idle = polled == 0;
        }
    }

    /** How many polls of {@code queue} are waiting now. */
    int waiting(String queue) {
        Queue q = queues.get(queue);
        return q == null ? 0 : q.waiting.get();
    }
}
