package gateway.events;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.BedrockAgentConstants;
import gateway.delivery.DeliveryMessage;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.s3.StoreUnavailable;
import gateway.sqs.DeadLetters;
import gateway.tracing.GatewaySpans;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A question's events (docs/events.md): {@code query.started} when an agent call begins (its attempt), {@code
 * query.progress} as the agent works ({@link QuestionRun}), then one final event, {@code query.answered},
 * {@code query.failed} or {@code query.cancelled}. Each goes into the question's log ({@link EventLog}: what the stream
 * sends) and the start and progress to the endpoints that take them ({@link QuestionWebhooks}); the final events'
 * webhooks are the answer's deliveries, as before. The store or a receiver failing never holds up the answer: it is
 * logged, the stream misses what could not be written.
 */
public class QuestionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(QuestionEvents.class);

    private final EventLog log;
    private final QuestionWebhooks webhooks;
    private final StreamHub streams;
    private final Clock clock;
    private final Duration interval;
    private final Duration closeWait;
    private final ScheduledExecutorService scheduler;
    private final Executor senders;
    private final Map<String, QuestionRun> runs = new ConcurrentHashMap<>();

    /**
     * @param interval  {@code PROGRESS_MIN_INTERVAL}
     * @param closeWait how long the final event waits for the run's last progress to be sent (a receiver's timeout)
     */
    public QuestionEvents(EventLog log, QuestionWebhooks webhooks, StreamHub streams, Clock clock, Duration interval,
            Duration closeWait, ScheduledExecutorService scheduler, Executor senders) {
        this.log = log;
        this.webhooks = webhooks;
        this.streams = streams;
        this.clock = clock;
        this.interval = interval;
        this.closeWait = closeWait;
        this.scheduler = scheduler;
        this.senders = senders;
    }

    /**
     * The agent call begins: its run (the call's {@link BedrockAgentConstants#PROGRESS}), {@code query.started} with the
     * attempt, and the answer streamed when the request asked for it ({@code stream_answer}).
     */
    public void started(Exchange exchange) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        String caller = exchange.getProperty(FlowProperties.CALLER, String.class);
        JsonNode request = exchange.getProperty(FlowProperties.REQUEST, JsonNode.class);
        if (trackingId == null) {
            return;
        }
        Map<String, List<DeliveryTarget>> targets = Map.of(
                QuestionEvent.STARTED, webhooks.targets(caller, request, QuestionEvent.STARTED),
                QuestionEvent.PROGRESS, webhooks.targets(caller, request, QuestionEvent.PROGRESS));
        QuestionRun run = new QuestionRun(trackingId, caller, targets, this::publish, interval, scheduler, senders, clock);
        run.span = GatewaySpans.current(exchange);
        QuestionRun earlier = runs.put(trackingId, run);
        if (earlier != null) {
            earlier.stop();
        }
        exchange.setProperty(BedrockAgentConstants.PROGRESS, run);
        if (request != null && request.path("stream_answer").asBoolean(false)) {
            exchange.getMessage().setHeader(BedrockAgentConstants.STREAM_ANSWER, true);
        }
        ObjectNode data = Json.object().put("attempt", DeadLetters.receiveCount(exchange));
        run.first(List.of(new EventLog.Draft(QuestionEvent.STARTED, Timestamps.format(clock.instant()), data)));
    }

    /**
     * The agent stage has the question's result (the body: its delivery message), before its deliveries are queued: the
     * run's last progress sent, then the final event, {@code query.answered} or {@code query.failed}; the log closed.
     */
    public void finished(@Body String result, Exchange exchange) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        if (trackingId == null) {
            return;
        }
        QuestionRun run = runs.remove(trackingId);
        if (run != null) {
            run.close(closeWait);
        }
        JsonNode message = Json.parseOrNull(result);
        String status = message == null ? null : message.path("status").asText(null);
        ObjectNode data = Json.object();
        String type;
        if (DeliveryMessage.STATUS_ANSWERED.equals(status)) {
            type = QuestionEvent.ANSWERED;
            data.put("outcome", "answered");
            data.put("answered_at", message.path("answered_at").asText(null));
        } else if (DeliveryMessage.STATUS_CANCELLED.equals(status)) {
            type = QuestionEvent.CANCELLED;
            data.put("outcome", "cancelled");
        } else {
            type = QuestionEvent.FAILED;
            data.put("outcome", "failed");
            data.put("failed_at", message == null ? null : message.path("answered_at").asText(null));
            if (message != null && message.path("error").isObject()) {
                data.set("error", message.get("error").deepCopy());
            }
        }
        close(trackingId, exchange.getProperty(FlowProperties.CALLER, String.class), type, data);
    }

    /** The caller cancelled the question ({@code DELETE /webhook/{tracking_id}}): {@code query.cancelled}, the log closed. */
    public void cancelled(@ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId,
            @ExchangeProperty(FlowProperties.CALLER) String caller) {
        stopped(trackingId);
        close(trackingId, caller, QuestionEvent.CANCELLED, Json.object().put("outcome", "cancelled"));
    }

    /** The agent call of a cancelled question was aborted here: its run sends nothing more. */
    public void stopped(@ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        QuestionRun run = trackingId == null ? null : runs.remove(trackingId);
        if (run != null) {
            run.stop();
        }
    }

    /** Writes a run's events to the log, tells this replica's streams, and sends the webhooks of those it wrote. */
    void publish(QuestionRun run, List<EventLog.Draft> drafts) {
        EventLog.Log written;
        try {
            boolean first = drafts.get(0).type().equals(QuestionEvent.STARTED);
            written = log.append(run.trackingId, run.caller, drafts, first).orElse(null);
        } catch (StoreUnavailable e) {
            LOG.warn("Events of {} not written ({}): its stream misses them", run.trackingId, e.getMessage());
            return;
        }
        if (written == null) {
            return; // closed meanwhile (cancelled): nothing more of this run
        }
        streams.changed(run.trackingId, written);
        List<QuestionEvent> events = written.events();
        List<QuestionEvent> mine = events.subList(Math.max(0, events.size() - drafts.size()), events.size());
        for (QuestionEvent event : mine) {
            List<DeliveryTarget> targets = run.targetsFor(event.type());
            if (!targets.isEmpty()) {
                webhooks.send(run.trackingId, event, targets);
            }
        }
    }

    private void close(String trackingId, String caller, String type, ObjectNode data) {
        try {
            EventLog.Log closed = log.close(trackingId, caller, new EventLog.Draft(type, Timestamps.format(clock.instant()), data));
            streams.changed(trackingId, closed);
        } catch (StoreUnavailable e) {
            LOG.warn("Final event of {} not written ({}): its open streams end only when their clients reconnect (the status has the outcome)", trackingId,
                    e.getMessage());
        }
    }
}
