package gateway.tracking;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One result, several deliveries: the stages' real changes ({@link StageRecords}) applied through
 * {@link TrackingRecord#apply}, in the orders concurrent and late writes can bring them, and what the record and
 * each delivery entry say after each.
 */
class DeliveryEntriesTest {

    static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    static final CamelContext CONTEXT = new DefaultCamelContext();

    static final DeliveryTarget CRM = new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, "crm", "answers",
            "https://crm.example.com/hooks/answers?token=s3cr3t", "msg_crm");
    static final DeliveryTarget ZAP = new DeliveryTarget(DeliveryTarget.Kind.CALLBACK, "crm", null,
            "https://hooks.zapier.example/catch/1?key=k3y", "msg_zap");

    final StepClock clock = new StepClock(Instant.parse("2025-01-01T00:00:00Z"));
    final StageRecords records = new StageRecords(null, clock, new DeliveryAttempts(3));
    ObjectNode record;

    // --- fan-out: the record's status from its deliveries ---

    @Test
    void oneDeliveredWhileTheOtherRetriesIsDeliveringThenTheOtherDeadLetteredIsDeadLettered() {
        answeredFor(CRM, ZAP);
        assertThat(record.get("status").asText()).isEqualTo("answered");
        assertThat(entry(CRM).get("status").asText()).isEqualTo("pending");
        assertThat(entry(ZAP).get("status").asText()).isEqualTo("pending");
        assertThat(record.get("deliveries").properties()).extracting(Map.Entry::getKey).containsExactly("msg_crm", "msg_zap");

        apply(records.delivering(delivery(CRM)));
        apply(records.delivering(delivery(ZAP)));
        apply(records.deliveryRetry(failed(delivery(ZAP), http(503))));
        apply(ended(delivery(CRM), "delivered"));

        assertThat(entry(CRM).get("status").asText()).isEqualTo("delivered");
        assertThat(entry(ZAP).get("status").asText()).isEqualTo("delivering");
        assertThat(record.get("status").asText()).as("one receiver's success is not the request's").isEqualTo("delivering");
        assertThat(record.has("finished_at")).isFalse();
        assertThat(TrackingRecord.requestOver(record)).isFalse();
        assertThat(records.exportDue(RecordWriter.END, record)).isFalse();

        Exchange last = failed(delivery(ZAP), http(503));
        apply(ended(last, "dead_lettered"));
        assertThat(entry(ZAP).get("status").asText()).isEqualTo("dead_lettered");
        assertThat(record.get("status").asText()).isEqualTo("dead_lettered");
        assertThat(record.get("finished_at").asText()).isEqualTo(entry(ZAP).get("status_at").asText());
        assertThat(record.get("last_http_status").asInt()).isEqualTo(503);
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("HTTP_503");
        assertThat(TrackingRecord.requestOver(record)).isTrue();
        assertThat(records.exportDue(RecordWriter.END, record)).isTrue();
        assertThat(records.exportDue(null, record)).as("only a delivery's end exports").isFalse();
        assertThat(records.exportDue(RecordWriter.END, null)).as("a given-up write: the export reads the record").isTrue();
        // the history names the target of each delivery step (its label, never its URL)
        assertThat(record.get("history").findValuesAsText("detail"))
                .contains("crm/answers: HTTP 200", "crm/callback: the receiver answered HTTP 503: dead-lettered")
                .noneMatch(d -> d.contains("example"));
    }

    @Test
    void anyDeadLetteredIsDeadLetteredEvenWhileAnotherIsStillBeingDelivered() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(ZAP)));
        apply(ended(failed(delivery(CRM), http(400)), "dead_lettered"));

        assertThat(record.get("status").asText()).isEqualTo("dead_lettered");
        assertThat(record.has("finished_at")).as("the other delivery has not ended").isFalse();
        assertThat(TrackingRecord.requestOver(record)).isFalse();
    }

    @Test
    void deliveredOnlyWhenEveryDeliveryIs() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(CRM)));
        apply(ended(delivery(CRM), "delivered"));
        assertThat(record.get("status").asText()).as("the other has not even started").isEqualTo("delivering");

        apply(records.delivering(delivery(ZAP)));
        apply(ended(delivery(ZAP), "delivered"));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("finished_at").asText()).isEqualTo(entry(ZAP).get("status_at").asText());
        assertThat(record.get("delivery_attempts").asInt()).isEqualTo(1);
        assertThat(TrackingRecord.requestOver(record)).isTrue();
    }

    @Test
    void aLateDeliveringAfterDeliveredUndoesNothing() {
        answeredFor(CRM);
        StageEvent delivering = records.delivering(delivery(CRM));
        apply(ended(delivery(CRM), "delivered"));
        apply(delivering); // written after the end (another writer, a slow store)

        assertThat(entry(CRM).get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.has("finished_at")).isTrue();
        assertThat(record.get("history").findValuesAsText("status")).containsExactly("answered", "delivering", "delivered");

        // same rank: the later end wins (a redriven delivery dead-lettered after its success), not an earlier one
        StageEvent laterDeadLetter = ended(failed(delivery(CRM), http(500)), "dead_lettered");
        String endedAt = entry(CRM).get("status_at").asText();
        clock.back(Duration.ofHours(1));
        apply(ended(delivery(CRM), "delivered"));
        assertThat(entry(CRM).get("status_at").asText()).as("an earlier end replaces nothing").isEqualTo(endedAt);
        apply(laterDeadLetter);
        assertThat(entry(CRM).get("status").asText()).isEqualTo("dead_lettered");
        assertThat(record.get("status").asText()).isEqualTo("dead_lettered");
    }

    // --- the attempt log ---

    @Test
    void attemptsAreSortedDeduplicatedAndBounded() {
        answeredFor(CRM);
        StageEvent first = records.deliveryRetry(failed(delivery(CRM), http(503)));
        StageEvent second = records.deliveryRetry(failed(delivery(CRM), new ConnectException("refused")));
        apply(second);
        apply(first);
        apply(first); // the same change applied twice

        List<JsonNode> attempts = attempts(CRM);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("at").asText()).isLessThan(attempts.get(1).get("at").asText());
        assertThat(attempts.get(0).get("http_status").asInt()).isEqualTo(503);
        assertThat(attempts.get(0).get("error").get("code").asText()).isEqualTo("HTTP_503");
        assertThat(attempts.get(1).get("http_status").isNull()).isTrue();
        assertThat(attempts.get(1).get("error").get("code").asText()).isEqualTo("ConnectException");
        assertThat(attempts.get(1).get("error").get("message").asText()).isEqualTo("the receiver could not be reached (ConnectException)");

        for (int i = 0; i < DeliveryEntries.MAX_ATTEMPTS + 10; i++) {
            apply(records.deliveryRetry(failed(delivery(CRM), http(502))));
        }
        attempts = attempts(CRM);
        assertThat(attempts).hasSize(DeliveryEntries.MAX_ATTEMPTS);
        assertThat(attempts).extracting(a -> a.get("http_status").asInt()).as("the last ones kept").containsOnly(502);
        assertThat(attempts).extracting(a -> a.get("at").asText()).isSorted();
    }

    @Test
    void eachAttemptHasItsStatusDurationErrorAndExcerpt() {
        answeredFor(CRM);
        Exchange failing = failed(delivery(CRM), http(503));
        failing.setProperty(FlowProperties.ATTEMPT_DURATION_MS, 1200L);
        failing.setProperty(FlowProperties.RESPONSE_EXCERPT, "busy, try later");
        apply(records.deliveryRetry(failing));
        Exchange ok = delivery(CRM);
        ok.setProperty(FlowProperties.ATTEMPT_DURATION_MS, 41L);
        ok.setProperty(FlowProperties.RESPONSE_EXCERPT, "{\"ok\":true}");
        apply(ended(ok, "delivered"));

        List<JsonNode> attempts = attempts(CRM);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("http_status").asInt()).isEqualTo(503);
        assertThat(attempts.get(0).get("duration_ms").asLong()).isEqualTo(1200L);
        assertThat(attempts.get(0).get("response_excerpt").asText()).isEqualTo("busy, try later");
        assertThat(attempts.get(1).get("http_status").asInt()).isEqualTo(200);
        assertThat(attempts.get(1).get("duration_ms").asLong()).isEqualTo(41L);
        assertThat(attempts.get(1).get("error").isNull()).isTrue();
        assertThat(attempts.get(1).get("response_excerpt").asText()).isEqualTo("{\"ok\":true}");
        assertThat(record.get("last_http_status").asInt()).isEqualTo(200);
    }

    @Test
    void aDeferredAttemptSchedulesTheNextOneUntilTheDeliveryGoesOn() {
        answeredFor(CRM);
        apply(records.delivering(delivery(CRM)));
        Exchange deferred = failed(delivery(CRM), http(503));
        apply(records.deliveryDeferred(Duration.ofMinutes(1).toString(), deferred));

        Instant failedAt = OffsetDateTime.parse(attempts(CRM).get(0).get("at").asText()).toInstant();
        assertThat(entry(CRM).get("next_attempt_at").asText()).isEqualTo(Timestamps.format(failedAt.plus(Duration.ofMinutes(1))));
        assertThat(entry(CRM).get("status").asText()).isEqualTo("delivering");
        assertThat(attempts(CRM)).hasSize(1);

        apply(records.delivering(delivery(CRM))); // the next receive
        assertThat(entry(CRM).get("next_attempt_at").isNull()).isTrue();
        apply(records.deliveryDeferred("PT5M", failed(delivery(CRM), http(503))));
        assertThat(entry(CRM).get("next_attempt_at").isNull()).isFalse();
        apply(ended(failed(delivery(CRM), http(503)), "dead_lettered"));
        assertThat(entry(CRM).get("next_attempt_at").isNull()).isTrue();
        assertThat(attempts(CRM)).hasSize(3);
    }

    @Test
    void anAddressTheGuardRefusedIsErrorBlockedAddress() throws Exception {
        answeredFor(CRM);
        Exchange refused = delivery(CRM);
        // the guard's refusal as the cause of the client's exception (known by its class, not by a message prefix)
        refused.setProperty(Exchange.EXCEPTION_CAUGHT, new IOException("connect failed",
                new gateway.net.BlockedAddressException("hooks.example", java.net.InetAddress.getByAddress(new byte[] {10, 0, 0, 7}),
                        "private (10.0.0.0/8)")));
        apply(ended(refused, "dead_lettered"));

        JsonNode attempt = attempts(CRM).get(0);
        assertThat(attempt.get("error").get("code").asText()).isEqualTo("blocked_address");
        assertThat(attempt.get("error").get("message").asText()).doesNotContain("10.0.0.7");
        assertThat(record.get("last_error").get("code").asText()).isEqualTo("blocked_address");
        assertThat(record.get("status").asText()).isEqualTo("dead_lettered");
    }

    @Test
    void aDeadLetterSqsMovedAddsNoAttemptAndFindsTheOnlyOpenDelivery() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(CRM)));
        apply(ended(delivery(CRM), "delivered"));
        apply(records.delivering(delivery(ZAP)));
        apply(records.deliveryDeferred("PT1M", failed(delivery(ZAP), http(503))));

        Exchange moved = new DefaultExchange(CONTEXT); // the sweep's: no webhook id, no attempt
        moved.setProperty(Exchange.EXCEPTION_CAUGHT, new gateway.sqs.MovedBySqs(5, "HTTP_503"));
        apply(ended(moved, "dead_lettered"));

        assertThat(entry(ZAP).get("status").asText()).isEqualTo("dead_lettered");
        assertThat(attempts(ZAP)).hasSize(1);
        assertThat(record.get("status").asText()).isEqualTo("dead_lettered");
        assertThat(TrackingRecord.requestOver(record)).isTrue();
    }

    // --- resend ---

    @Test
    void aResendPutsEveryDeliveryBackToPendingAndKeepsTheAttempts() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(CRM)));
        StageEvent lateEnd = ended(delivery(CRM), "delivered");
        apply(lateEnd);
        apply(records.delivering(delivery(ZAP)));
        apply(records.deliveryDeferred("PT1M", failed(delivery(ZAP), http(503))));
        apply(ended(failed(delivery(ZAP), http(503)), "dead_lettered"));
        assertThat(record.has("finished_at")).isTrue();

        assertThat(records.resent(null, delivery(CRM))).as("no record, nothing to resend").isNull();
        StageEvent resend = records.resent(new S3RecordStore.Stored(record.deepCopy(), "etag"), new DefaultExchange(CONTEXT));
        apply(resend);

        assertThat(record.get("status").asText()).isEqualTo("delivering");
        assertThat(record.has("finished_at")).isFalse();
        assertThat(entries()).extracting(e -> e.get("status").asText()).containsExactly("pending", "pending");
        assertThat(entries()).allSatisfy(e -> assertThat(e.get("next_attempt_at").isNull()).isTrue());
        assertThat(attempts(CRM)).hasSize(1);
        assertThat(attempts(ZAP)).hasSize(2);
        assertThat(entries(record, "delivering")).last().satisfies(h -> assertThat(h.get("detail").asText()).isEqualTo("resend requested"));
        assertThat(TrackingRecord.targets(record)).containsExactly(CRM, ZAP);
        assertThat(DeliveryEntries.notStarted(record.get("deliveries"))).containsExactly(CRM, ZAP);

        apply(lateEnd); // the first round's end, written late: it moves nothing
        assertThat(entry(CRM).get("status").asText()).isEqualTo("pending");
        assertThat(record.get("status").asText()).isEqualTo("delivering");

        apply(records.delivering(delivery(CRM)));
        apply(ended(delivery(CRM), "delivered"));
        assertThat(record.get("status").asText()).isEqualTo("delivering");
        assertThat(DeliveryEntries.notStarted(record.get("deliveries"))).containsExactly(ZAP);
        apply(records.delivering(delivery(ZAP)));
        apply(ended(delivery(ZAP), "delivered"));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.has("finished_at")).isTrue();
    }

    @Test
    void noResendBeforeTheAgentStageHasFinished() {
        record = TrackingRecord.apply(null, ID, records.queued(Timestamps.format(clock.instant()), "crm", null));
        assertThat(TrackingRecord.agentDone(record)).isFalse();
        assertThat(records.resent(new S3RecordStore.Stored(record, "etag"), new DefaultExchange(CONTEXT))).isNull();
        answeredFor(CRM);
        assertThat(TrackingRecord.agentDone(record)).isTrue();
    }

    // --- no target ---

    @Test
    void noSubscribedEndpointIsDeliveredAtOnceWithTheReason() {
        record = TrackingRecord.apply(null, ID, records.queued(Timestamps.format(clock.instant()), "crm", null));
        Exchange agent = new DefaultExchange(CONTEXT);
        agent.setProperty(FlowProperties.DELIVERY_TARGETS, List.of());
        String body = Json.write(Json.object().put("status", "answered").put("tracking_id", ID));
        apply(records.agentFinished(body, agent));

        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("finished_at").isTextual()).isTrue();
        assertThat(record.get("history").findValuesAsText("status")).containsExactly("queued", "answered", "delivered");
        assertThat(entries(record, "delivered").get(0).get("detail").asText()).isEqualTo("no endpoint subscribes to query.answered");
        assertThat(record.has("deliveries")).isFalse();
        assertThat(TrackingRecord.requestOver(record)).isTrue();
        assertThat(TrackingRecord.agentDone(record)).isTrue();
        assertThat(TrackingRecord.targets(record)).isEmpty();

        ObjectNode failed = TrackingRecord.apply(null, ID, records.agentFinished(
                Json.write(Json.object().put("status", "failed").put("tracking_id", ID)
                        .set("error", Json.object().put("code", "AccessDenied"))), agent));
        assertThat(failed.get("status").asText()).isEqualTo("delivered");
        assertThat(entries(failed, "delivered").get(0).get("detail").asText()).isEqualTo("no endpoint subscribes to query.failed");
        assertThat(entries(failed, "failed")).hasSize(1);
    }

    // --- a record written before per-target delivery ---

    @Test
    void aRecordWithoutDeliveriesKeepsTodaysBehaviour() {
        record = TrackingRecord.apply(null, ID, records.agentFinished(
                Json.write(Json.object().put("status", "answered").put("tracking_id", ID)), new DefaultExchange(CONTEXT)));
        assertThat(record.has("deliveries")).isFalse();
        Exchange old = new DefaultExchange(CONTEXT); // no webhook id, no target
        apply(records.delivering(old));
        assertThat(record.get("status").asText()).isEqualTo("delivering");
        Exchange failing = new DefaultExchange(CONTEXT);
        failing.setProperty(Exchange.EXCEPTION_CAUGHT, http(503));
        apply(records.deliveryRetry(failing));
        apply(ended(new DefaultExchange(CONTEXT), "delivered"));

        assertThat(record.has("deliveries")).isFalse();
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("finished_at").isTextual()).isTrue();
        assertThat(record.get("last_http_status").asInt()).isEqualTo(200);
        assertThat(record.get("history").findValuesAsText("detail"))
                .containsExactly("the agent answered", "delivering", "retrying after the receiver answered HTTP 503", "HTTP 200");
        assertThat(TrackingRecord.requestOver(record)).isTrue();
        assertThat(TrackingRecord.targets(record)).isEmpty();

        // and a late "delivering" after its end undoes nothing, as before
        apply(records.delivering(new DefaultExchange(CONTEXT)));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
    }

    @Test
    void aDeliveryStageThatNamesOnlyItsWebhookIdGetsAnEntryWithoutATarget() {
        answeredFor(); // no DELIVERY_TARGETS: as the agent stage did before targets were chosen
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.setProperty(FlowProperties.WEBHOOK_ID, "msg_" + ID);
        apply(records.delivering(exchange));
        apply(ended(exchange, "delivered"));

        JsonNode entry = record.get("deliveries").get("msg_" + ID);
        assertThat(entry.get("status").asText()).isEqualTo("delivered");
        assertThat(entry.get("target").isNull()).isTrue();
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(TrackingRecord.targets(record)).as("it cannot be named as a target").isEmpty();
    }

    // --- the never-pay-twice lookup ---

    @Test
    void theLookupHandsOnTheStoredDeliveries() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(CRM)));
        Exchange exchange = new DefaultExchange(CONTEXT);
        records.lookup(new S3RecordStore.Stored(record, "etag"), exchange);

        ObjectNode stored = exchange.getProperty(RecordLookup.STORED_DELIVERIES, ObjectNode.class);
        assertThat(stored).isSameAs(record.get("deliveries"));
        assertThat(DeliveryEntries.targets(stored)).containsExactly(CRM, ZAP);
        assertThat(DeliveryEntries.notStarted(stored)).containsExactly(ZAP);
        assertThat(exchange.getProperty(RecordLookup.STORED_STATUS)).isEqualTo("delivering");

        Exchange legacy = new DefaultExchange(CONTEXT);
        records.lookup(new S3RecordStore.Stored(TrackingRecord.apply(null, ID, records.agentFinished(
                Json.write(Json.object().put("status", "answered")), legacy)), "etag"), legacy);
        assertThat(legacy.getProperty(RecordLookup.STORED_DELIVERIES)).isNull();
        assertThat(legacy.getProperty(RecordLookup.STORED_STATUS)).isEqualTo("answered");
    }

    @Test
    void aRedriveThatAsksTheAgentAgainDropsTheFailuresDeliveries() {
        answeredFor(CRM);
        record.set("delivery_message", Json.object().put("status", "failed"));
        apply(records.delivering(delivery(CRM)));
        apply(ended(failed(delivery(CRM), http(500)), "dead_lettered"));
        Exchange redriven = new DefaultExchange(CONTEXT);
        redriven.getMessage().setHeader(gateway.sqs.DeadLetters.REDRIVES, "1");

        apply(records.redrive(new S3RecordStore.Stored(record.deepCopy(), "etag"), redriven));

        assertThat(record.get("status").asText()).isEqualTo("processing");
        assertThat(record.has("deliveries")).isFalse();
        assertThat(record.has("finished_at")).isFalse();

        // the new result, a new message to each target (a webhook id of its own): the request's end is its end
        DeliveryTarget again = new DeliveryTarget(CRM.kind(), CRM.caller(), CRM.endpoint(), CRM.url(), "msg_crm_r1");
        answeredFor(again);
        assertThat(record.get("status").asText()).isEqualTo("answered");
        apply(records.delivering(delivery(again)));
        apply(ended(delivery(again), "delivered"));
        assertThat(record.get("deliveries").properties()).extracting(Map.Entry::getKey).containsExactly("msg_crm_r1");
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("history").findValuesAsText("status")).contains("dead_lettered", "processing", "delivered");
    }

    @Test
    void pendingDeliveriesTheResultNoLongerGoesToAreDropped() {
        answeredFor(CRM, ZAP);
        apply(records.delivering(delivery(CRM)));
        answeredFor(ZAP); // the agent stage again (a crash before the request was deleted), the targets chosen anew

        assertThat(record.get("deliveries").properties()).extracting(Map.Entry::getKey)
                .as("a started delivery stays").containsExactly("msg_crm", "msg_zap");
        Exchange agent = new DefaultExchange(CONTEXT);
        agent.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(CRM));
        apply(records.agentFinished(Json.write(Json.object().put("status", "answered").put("tracking_id", ID)), agent));
        assertThat(record.get("deliveries").properties()).extracting(Map.Entry::getKey).containsExactly("msg_crm");
    }

    // --- helpers ---

    /** The agent's answer with {@code targets} chosen (none: the property absent). */
    void answeredFor(DeliveryTarget... targets) {
        Exchange agent = new DefaultExchange(CONTEXT);
        if (targets.length > 0) {
            agent.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(targets));
        }
        String body = Json.write(Json.object().put("status", "answered").put("tracking_id", ID)
                .put("answered_at", Timestamps.format(clock.tick())));
        apply(records.agentFinished(body, agent));
    }

    void apply(StageEvent event) {
        assertThat(event).isNotNull();
        record = TrackingRecord.apply(record, ID, event);
    }

    /** A delivery-stage exchange of {@code target}, as the lead's delivery route hands it over. */
    Exchange delivery(DeliveryTarget target) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.setProperty(FlowProperties.WEBHOOK_ID, target.webhookId());
        exchange.setProperty(FlowProperties.DELIVERY_TARGET, target);
        clock.tick();
        return exchange;
    }

    static Exchange failed(Exchange exchange, Exception cause) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        if (cause instanceof HttpOperationFailedException failed) {
            exchange.setProperty(FlowProperties.HTTP_STATUS, failed.getStatusCode());
        }
        return exchange;
    }

    static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("https://crm.example.com/hooks", status, "status " + status, null, Map.of(), "");
    }

    /** The delivery's end, as the delivery route notes it ({@code outcome}) and then records it. */
    StageEvent ended(Exchange exchange, String outcome) {
        if ("delivered".equals(outcome)) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        }
        records.outcome(exchange, outcome);
        return records.deliveryEnded(exchange);
    }

    ObjectNode entry(DeliveryTarget target) {
        return (ObjectNode) record.get("deliveries").get(target.webhookId());
    }

    List<JsonNode> entries() {
        List<JsonNode> entries = new ArrayList<>();
        record.get("deliveries").forEach(entries::add);
        return entries;
    }

    List<JsonNode> attempts(DeliveryTarget target) {
        List<JsonNode> attempts = new ArrayList<>();
        entry(target).get("attempts").forEach(attempts::add);
        return attempts;
    }

    static List<JsonNode> entries(ObjectNode record, String status) {
        List<JsonNode> entries = new ArrayList<>();
        record.get("history").forEach(h -> {
            if (h.get("status").asText().equals(status)) {
                entries.add(h);
            }
        });
        return entries;
    }

    /** A clock that moves a millisecond on each reading, so that every change of a test has its own time. */
    static final class StepClock extends Clock {
        private Instant now;

        StepClock(Instant start) {
            now = start;
        }

        Instant tick() {
            now = now.plusMillis(1);
            return now;
        }

        void back(Duration by) {
            now = now.minus(by);
        }

        @Override
        public Instant instant() {
            return tick();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
