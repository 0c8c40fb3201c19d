package gateway.tracking;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * The tracking's four beans under one name, for the tests that walk a record through every stage: the agent stage's
 * changes ({@link AgentStageRecords}), the delivery stage's ({@link DeliveryStageRecords}), the never-pay-twice lookup
 * ({@link RecordLookup}) and the writer ({@link RecordWriter}). Each method is the bean's own.
 */
final class StageRecords {

    final AgentStageRecords agent;
    final DeliveryStageRecords delivery;
    final RecordLookup lookup;
    final RecordWriter writer;

    StageRecords(AgentStageRecords agent, DeliveryStageRecords delivery, RecordLookup lookup, RecordWriter writer) {
        this.agent = agent;
        this.delivery = delivery;
        this.lookup = lookup;
        this.writer = writer;
    }

    /** The stages' beans as the app makes them, writing to {@code store} (null: no store, the writer unused). */
    StageRecords(S3RecordStore store, Clock clock, DeliveryAttempts attempts) {
        this(new AgentStageRecords(clock), new DeliveryStageRecords(clock, attempts), new RecordLookup(clock), new RecordWriter(store));
    }

    StageEvent queued(String queuedAt, String caller, JsonNode request) {
        return agent.queued(queuedAt, caller, request);
    }

    StageEvent processing(String prompt, Exchange exchange) {
        return agent.processing(prompt, exchange);
    }

    StageEvent agentRetrying(Exchange exchange) {
        return agent.agentRetrying(exchange);
    }

    StageEvent agentFinished(String body, Exchange exchange) {
        return agent.agentFinished(body, exchange);
    }

    StageEvent cancelled(String body, Exchange exchange) {
        return agent.cancelled(body, exchange);
    }

    StageEvent delivering(Exchange exchange) {
        return delivery.delivering(exchange);
    }

    StageEvent deliveryRetry(Exchange exchange) {
        return delivery.deliveryRetry(exchange);
    }

    StageEvent deliveryDeferred(String wait, Exchange exchange) {
        return delivery.deliveryDeferred(wait, exchange);
    }

    void outcome(Exchange exchange, String outcome) {
        delivery.outcome(exchange, outcome);
    }

    StageEvent deliveryEnded(Exchange exchange) {
        return delivery.deliveryEnded(exchange);
    }

    StageEvent resent(S3RecordStore.Stored stored, Exchange exchange) {
        return delivery.resent(stored, exchange);
    }

    boolean earlierReceive(Exchange exchange) {
        return lookup.earlierReceive(exchange);
    }

    StageEvent redrive(S3RecordStore.Stored stored, Exchange exchange) {
        return lookup.redrive(stored, exchange);
    }

    void lookup(S3RecordStore.Stored stored, Exchange exchange) {
        lookup.lookup(stored, exchange);
    }

    ObjectNode write(String id, List<StageEvent> events) {
        return writer.write(id, events, null);
    }

    boolean exportDue(String write, ObjectNode written) {
        return writer.exportDue(write, written);
    }
}
