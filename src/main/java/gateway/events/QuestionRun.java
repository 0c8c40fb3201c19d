package gateway.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentProgress;
import gateway.agent.AgentStep;
import gateway.delivery.DeliveryTarget;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.tracing.GatewaySpans;

/**
 * The progress of one agent call of a question, as it runs: each step the agent reports, at most one
 * {@code query.progress} event per {@code PROGRESS_MIN_INTERVAL} (the steps in between merged into it: the latest shown,
 * {@code steps} counting them), and the answer's parts when the request asked for them ({@code query.answer_part}, in the
 * stream only). The SDK's threads only note what comes; the events are written and sent one after the other by the run's
 * chain on the senders' pool, in order. {@link #close} sends what is left and waits for the chain: nothing of this run is
 * sent after the question's final event.
 */
final class QuestionRun implements AgentProgress {

    /** Writes and sends what the run emits (QuestionEvents#publish). */
    interface Publisher {
        void publish(QuestionRun run, List<EventLog.Draft> drafts);
    }

    final String trackingId;
    final String caller;
    /** Who gets the run's webhooks, by event type ({@code query.started}, {@code query.progress}). */
    private final Map<String, List<DeliveryTarget>> targets;
    private final Publisher publisher;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Executor senders;
    private final Clock clock;

    private final List<AgentStep> steps = new ArrayList<>();
    private final StringBuilder answer = new StringBuilder();
    private long lastEmitNanos;
    private ScheduledFuture<?> flush;
    private boolean closed;
    private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    /** The agent stage's span when traced (docs/tracing.md): each event of the run is an event on it; else null. */
    volatile org.apache.camel.telemetry.Span span;

    QuestionRun(String trackingId, String caller, Map<String, List<DeliveryTarget>> targets, Publisher publisher,
            Duration interval, ScheduledExecutorService scheduler, Executor senders, Clock clock) {
        this.trackingId = trackingId;
        this.caller = caller;
        this.targets = Map.copyOf(targets);
        this.publisher = publisher;
        this.interval = interval;
        this.scheduler = scheduler;
        this.senders = senders;
        this.clock = clock;
        this.lastEmitNanos = System.nanoTime() - interval.toNanos();
    }

    /** Who gets the run's events of this type as webhooks (none for a type the run does not send). */
    List<DeliveryTarget> targetsFor(String type) {
        return targets.getOrDefault(type, List.of());
    }

    /** Something to write and send first, in the run's order (its start). */
    synchronized void first(List<EventLog.Draft> drafts) {
        enqueue(drafts);
    }

    @Override
    public synchronized void step(AgentStep step) {
        if (closed || step == null) {
            return;
        }
        steps.add(step);
        due();
    }

    @Override
    public synchronized void answerPart(String text) {
        if (closed || text == null || text.isEmpty()) {
            return;
        }
        answer.append(text);
        due();
    }

    /** Sends what is left, then waits (at most {@code wait}) until everything of this run is written and sent. */
    void close(Duration wait) {
        CompletableFuture<Void> last;
        synchronized (this) {
            if (flush != null) {
                flush.cancel(false);
                flush = null;
            }
            emit();
            closed = true;
            last = chain;
        }
        try {
            last.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // a sender still busy (a receiver slow to answer): the final event goes on without waiting longer
        }
    }

    /** Stops the run: nothing more is sent (its question was cancelled). */
    synchronized void stop() {
        closed = true;
        if (flush != null) {
            flush.cancel(false);
            flush = null;
        }
        steps.clear();
        answer.setLength(0);
    }

    private void due() {
        long since = System.nanoTime() - lastEmitNanos;
        if (since >= interval.toNanos()) {
            emit();
        } else if (flush == null) {
            flush = scheduler.schedule(this::flushNow, interval.toNanos() - since, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void flushNow() {
        flush = null;
        if (!closed) {
            emit();
        }
    }

    /** The steps and answer parts noted since the last event, as events, to the chain. */
    private void emit() {
        List<EventLog.Draft> drafts = new ArrayList<>(2);
        String at = Timestamps.format(clock.instant());
        if (!steps.isEmpty()) {
            AgentStep last = steps.get(steps.size() - 1);
            ObjectNode data = Json.object();
            data.put("kind", last.kind());
            data.put("name", last.name());
            data.put("api_path", last.apiPath());
            data.put("text", last.text());
            data.put("steps", steps.size());
            drafts.add(new EventLog.Draft(QuestionEvent.PROGRESS, at, data));
            steps.clear();
        }
        if (answer.length() > 0) {
            drafts.add(new EventLog.Draft(QuestionEvent.ANSWER_PART, at, Json.object().put("text", answer.toString())));
            answer.setLength(0);
        }
        if (!drafts.isEmpty()) {
            lastEmitNanos = System.nanoTime();
            enqueue(drafts);
        }
    }

    /** What a span event of a draft says: when, and for progress the step's kind and name and the count (not its text). */
    private Map<String, String> spanAttributes(EventLog.Draft draft) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("gateway.tracking_id", trackingId);
        attributes.put("at", draft.at());
        for (String field : List.of("kind", "name", "steps", "attempt")) {
            if (draft.data() != null && draft.data().hasNonNull(field)) {
                attributes.put(field, draft.data().get(field).asText());
            }
        }
        return attributes;
    }

    private void enqueue(List<EventLog.Draft> drafts) {
        org.apache.camel.telemetry.Span traced = span;
        if (traced != null) {
            for (EventLog.Draft draft : drafts) {
                if (!QuestionEvent.ANSWER_PART.equals(draft.type())) { // never the answer's text in a trace
                    GatewaySpans.event(traced, draft.type(), spanAttributes(draft));
                }
            }
        }
        chain = chain.thenRunAsync(() -> publisher.publish(this, drafts), senders).exceptionally(e -> null);
    }
}
