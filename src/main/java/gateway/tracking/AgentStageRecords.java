package gateway.tracking;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentCallException;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.sqs.DeadLetters;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The question's changes to its {@link TrackingRecord} until its result is made: queued (the intake), processing,
 * retrying and finished (the agent stage), cancelled (a cancel). Each is a {@link StageEvent} handed to the
 * record-change step ({@link RecordWriter#CHANGE}); nothing here calls S3 and no step here holds up a message.
 */
public class AgentStageRecords {

    private final Clock clock;

    public AgentStageRecords(Clock clock) {
        this.clock = clock;
    }

    // --- webhook-intake ---

    /** The request is on the requests queue (a tracking id the intake has just made up: see {@link #write}). */
    public StageEvent queued(@ExchangeProperty(FlowProperties.QUEUED_AT) String queuedAt,
            @ExchangeProperty(FlowProperties.CALLER) String caller, @ExchangeProperty(FlowProperties.REQUEST) JsonNode request) {
        return new StageEvent(TrackingStatus.QUEUED, queuedAt != null ? queuedAt : now(), null, null, r -> {
            TrackingRecord.putEarliest(r, "queued_at", queuedAt);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            TrackingRecord.describeRequest(r, request);
        });
    }

    // --- agent-invoke ---

    /** The agent is about to be asked (this receive's attempt); the body is the prompt. */
    public StageEvent processing(@Body String prompt, Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        String at = now();
        String caller = exchange.getProperty(FlowProperties.CALLER, String.class);
        JsonNode request = exchange.getProperty(FlowProperties.REQUEST, JsonNode.class);
        String queuedAt = exchange.getProperty(FlowProperties.QUEUED_AT, String.class);
        return new StageEvent(TrackingStatus.PROCESSING, at, receive, "asking the agent", r -> {
            TrackingRecord.putMax(r, "agent_attempts", receive);
            TrackingRecord.putEarliest(r, "processing_started_at", at);
            // from the request message: the question keeps its place in the index even when this reaches the record first
            TrackingRecord.putEarliest(r, "queued_at", queuedAt);
            TrackingRecord.putIfAbsent(r, "caller", caller);
            TrackingRecord.describeRequest(r, request);
            if (prompt != null) {
                r.put("prompt", prompt);
            }
        });
    }

    /** The agent's transient errors outlasted the route's retries: the request stays on the queue for later. */
    public StageEvent agentRetrying(Exchange exchange) {
        int receive = DeadLetters.receiveCount(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        ObjectNode error = agentError(cause);
        return new StageEvent(TrackingStatus.PROCESSING, now(), receive,
                "agent error " + error.path("code").asText() + ": left on the queue for a later attempt", r -> {
                    TrackingRecord.putMax(r, "agent_attempts", receive);
                    r.set("last_error", error);
                });
    }

    /**
     * The agent stage's result (answered, or failed for good); the body is the delivery message, which the
     * record keeps so that a later receive of the same request re-enqueues it instead of asking again. Written
     * in line ({@link #NOW}), before the message is enqueued and the request deleted. The record's {@code outcome}
     * ({@link QuestionOutcome}) says how the question ended: {@code answered} with {@code answered_at}, or {@code failed}
     * with {@code failed_at}. Null for a body that is no delivery message.
     *
     * <p>The targets chosen for the result ({@link FlowProperties#DELIVERY_TARGETS}) each get a "pending"
     * delivery entry. When none was chosen (no endpoint subscribes to the event type) the request is over at
     * once: status "delivered" with the reason, after the agent's own step in the history. Without the
     * property (a stage that does not choose targets) the record has no deliveries, as before.
     */
    public StageEvent agentFinished(@Body String body, Exchange exchange) {
        Optional<ObjectNode> message = parse(body);
        if (message.isEmpty()) {
            return null;
        }
        ObjectNode delivery = message.get();
        boolean answered = "answered".equals(delivery.path("status").asText());
        String at = delivery.path("answered_at").asText(now());
        JsonNode error = delivery.get("error");
        String detail = answered ? "the agent answered" : "the agent could not answer: " + delivery.path("error").path("code").asText("unknown");
        TrackingStatus agentStatus = answered ? TrackingStatus.ANSWERED : TrackingStatus.FAILED;
        int receive = DeadLetters.receiveCount(exchange);
        List<DeliveryTarget> targets = targets(exchange);
        boolean nobody = targets != null && targets.isEmpty();
        String eventType = answered ? "query.answered" : "query.failed";
        return new StageEvent(nobody ? TrackingStatus.DELIVERED : agentStatus, at, receive,
                nobody ? "no endpoint subscribes to " + eventType : detail, r -> {
                    // its caller cancelled it meanwhile: the result is not kept (the record, as written, says
                    // "cancelled": the stage reads that back, RecordWriter#writtenOf, and does not deliver the result)
                    if (TrackingRecord.status(r) == TrackingStatus.CANCELLED) {
                        return;
                    }
                    if (targets != null) {
                        DeliveryEntries.dropPendingOthers(r, targets.stream().map(DeliveryTarget::webhookId).collect(Collectors.toSet()));
                        targets.forEach(t -> DeliveryEntries.entry(r, t.webhookId(), t, at));
                    }
                    if (nobody) {
                        // the agent's step first (the same instant: the history's sort keeps this order)
                        TrackingRecord.addHistory(r, agentStatus, at, receive, detail);
                        r.put("finished_at", at);
                    }
                    r.set("delivery_message", delivery);
                    // how the question ended, with its time: answered_at for an answer, failed_at for a failure
                    QuestionOutcome.ended(r, answered, at);
                    TrackingRecord.putIfAbsent(r, "session_id", delivery.path("session_id").asText(null));
                    if (delivery.hasNonNull("agent_duration_ms")) {
                        r.put("agent_duration_ms", delivery.get("agent_duration_ms").asLong());
                    }
                    if (!answered && error != null && error.isObject()) {
                        r.set("last_error", error);
                    }
                    TrackingRecord.describeRequest(r, delivery.get("webhook_request"));
                });
    }

    // --- webhook-cancel ---

    /**
     * The caller cancelled the question ({@code DELETE /webhook/{tracking_id}}); the body is the {@code query.cancelled}
     * delivery message. Written in line ({@link #NOW}) before anything else: status "cancelled", final
     * ({@link TrackingStatus#CANCELLED}); the message kept as the record's delivery message, and each target of
     * {@link FlowProperties#DELIVERY_TARGETS} a "pending" delivery (none chosen: the request is over at once). A record
     * the agent stage has finished meanwhile ({@link TrackingRecord#cancellable}) is left as it is: the cancel route
     * reads the record back and answers 409. Null for a body that is no delivery message.
     */
    public StageEvent cancelled(@Body String body, Exchange exchange) {
        Optional<ObjectNode> message = parse(body);
        if (message.isEmpty()) {
            return null;
        }
        ObjectNode cancellation = message.get();
        String at = cancellation.path("answered_at").asText(now());
        List<DeliveryTarget> targets = targets(exchange);
        boolean nobody = targets != null && targets.isEmpty();
        return new StageEvent(TrackingStatus.CANCELLED, at, null,
                "cancelled by the caller" + (nobody ? "; no endpoint subscribes to query.cancelled" : ""), r -> {
                    if (!TrackingRecord.cancellable(r)) {
                        return;
                    }
                    if (targets != null) {
                        DeliveryEntries.dropPendingOthers(r, targets.stream().map(DeliveryTarget::webhookId).collect(Collectors.toSet()));
                        targets.forEach(t -> DeliveryEntries.entry(r, t.webhookId(), t, at));
                    }
                    if (nobody) {
                        r.put("finished_at", at);
                    }
                    r.set("delivery_message", cancellation);
                    r.put(QuestionOutcome.FIELD, QuestionOutcome.CANCELLED);
                    r.put("cancelled_at", at);
                });
    }

    private static Optional<ObjectNode> parse(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode agentError(Exception cause) {
        ObjectNode error = Json.object();
        if (cause instanceof AgentCallException agent) {
            error.put("code", agent.errorCode());
            error.put("message", agent.callerMessage());
        } else {
            error.put("code", cause == null ? "unknown" : cause.getClass().getSimpleName());
            error.put("message", "the agent call failed");
        }
        return error;
    }

    /** The targets chosen for the result, or null when the stage chose none (the property is absent). */
    private static List<DeliveryTarget> targets(Exchange exchange) {
        Object chosen = exchange.getProperty(FlowProperties.DELIVERY_TARGETS);
        if (!(chosen instanceof List<?> list)) {
            return null;
        }
        List<DeliveryTarget> targets = new ArrayList<>(list.size());
        for (Object target : list) {
            if (target instanceof DeliveryTarget t) {
                targets.add(t);
            }
        }
        return targets;
    }

    private String now() {
        return Timestamps.now(clock);
    }
}
