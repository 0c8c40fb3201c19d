package gateway.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.sqs.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the question ended ({@code outcome}) beside where its delivery stands ({@code status}): the stages' real changes
 * applied to a record, then what the record, the status view and the export say. A refused question is {@code failed}
 * with {@code failed_at} even once its {@code query.failed} webhook is delivered; records written before the field (a
 * failure's time in {@code answered_at}, no {@code outcome}) read the same way.
 */
class QuestionOutcomeTest {

    static final String ID = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";
    static final String QUEUED = "2026-12-01T10:00:00.000000+00:00";
    static final String ENDED = "2026-12-01T10:00:02.000000+00:00";

    final StageRecords records = new StageRecords(null, Clock.fixed(Instant.parse("2026-12-01T10:00:05Z"), ZoneOffset.UTC),
            new DeliveryAttempts(3));
    final DefaultCamelContext context = new DefaultCamelContext();
    final DeliveryTarget target = new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, "https://receiver.example/hook", "msg_" + ID);

    @Test
    void anOpenQuestionHasNoOutcomeYet() {
        ObjectNode record = queued();
        ObjectNode view = StatusView.of(record, false);
        assertThat(view.has("outcome")).as("always shown").isTrue();
        assertThat(view.get("outcome").isNull()).isTrue();
        assertThat(view.has("answered_at")).isFalse();
        assertThat(view.has("failed_at")).isFalse();

        Exchange agent = withTarget();
        record = apply(record, records.processing("prompt", agent));
        assertThat(record.has("outcome")).isFalse();
        assertThat(StatusView.of(record, false).get("outcome").isNull()).isTrue();
        assertThat(StatusView.of(record, false).get("status").asText()).isEqualTo("processing");
    }

    @Test
    void anAnsweredQuestionIsAnsweredWithItsAnsweredAtOnceDelivered() {
        ObjectNode record = delivered(apply(queued(), records.agentFinished(result("answered", null), withTarget())));
        assertThat(record.get("outcome").asText()).isEqualTo("answered");
        assertThat(record.get("answered_at").asText()).isEqualTo(ENDED);
        assertThat(record.has("failed_at")).isFalse();

        ObjectNode view = StatusView.of(record, false);
        assertThat(view.get("status").asText()).as("where the delivery stands").isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("answered");
        assertThat(view.get("answered_at").asText()).isEqualTo(ENDED);
        assertThat(view.has("failed_at")).isFalse();
        assertThat(view.has("cancelled_at")).isFalse();
    }

    @Test
    void aRefusedQuestionIsFailedWithFailedAtAndNoAnsweredAtOnceItsWebhookIsDelivered() {
        ObjectNode record = delivered(apply(queued(), records.agentFinished(result("failed", "ValidationException"), withTarget())));
        assertThat(record.get("status").asText()).isEqualTo("delivered");
        assertThat(record.get("outcome").asText()).isEqualTo("failed");
        assertThat(record.get("failed_at").asText()).isEqualTo(ENDED);
        assertThat(record.has("answered_at")).isFalse();

        ObjectNode view = StatusView.of(record, false);
        assertThat(view.get("status").asText()).isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("failed");
        assertThat(view.get("failed_at").asText()).isEqualTo(ENDED);
        assertThat(view.has("answered_at")).isFalse();
        assertThat(view.get("last_error").get("code").asText()).isEqualTo("ValidationException");
    }

    @Test
    void aCancelledQuestionIsCancelled() {
        ObjectNode record = apply(queued(), records.cancelled(result("cancelled", null), withTarget()));
        assertThat(record.get("outcome").asText()).isEqualTo("cancelled");
        ObjectNode view = StatusView.of(record, false);
        assertThat(view.get("status").asText()).isEqualTo("cancelled");
        assertThat(view.get("outcome").asText()).isEqualTo("cancelled");
        assertThat(view.get("cancelled_at").asText()).isEqualTo(ENDED);
        assertThat(view.has("answered_at")).isFalse();
        assertThat(view.has("failed_at")).isFalse();
    }

    @Test
    void aRedrivenFailureIsOpenAgainUntilItsNewResult() {
        ObjectNode record = delivered(apply(queued(), records.agentFinished(result("failed", "ValidationException"), withTarget())));
        Exchange redriven = new DefaultExchange(context);
        redriven.getMessage().setHeader(DeadLetters.REDRIVES, 1);
        record = apply(record, records.redrive(new S3RecordStore.Stored(record, "etag"), redriven));
        assertThat(record.get("status").asText()).isEqualTo("processing");
        assertThat(record.has("outcome")).isFalse();
        assertThat(record.has("failed_at")).isFalse();
        assertThat(StatusView.of(record, false).get("outcome").isNull()).isTrue();

        record = apply(record, records.agentFinished(result("answered", null), withTarget()));
        ObjectNode view = StatusView.of(record, false);
        assertThat(view.get("outcome").asText()).isEqualTo("answered");
        assertThat(view.get("answered_at").asText()).isEqualTo(ENDED);
        assertThat(view.has("failed_at")).isFalse();
    }

    // --- records written before the field ---

    @Test
    void anOldFailedRecordReadsFailedWithItsAnsweredAtAsFailedAt() {
        ObjectNode old = oldRecord("delivered", "failed");
        ObjectNode view = StatusView.of(old, false);
        assertThat(view.get("status").asText()).isEqualTo("delivered");
        assertThat(view.get("outcome").asText()).isEqualTo("failed");
        assertThat(view.get("failed_at").asText()).isEqualTo(ENDED);
        assertThat(view.has("answered_at")).as("there is no answer").isFalse();
        assertThat(old.has("outcome")).as("nothing is rewritten on read").isFalse();
    }

    @Test
    void anOldAnsweredCancelledOrOpenRecordReadsAsItsResultSays() {
        ObjectNode answered = StatusView.of(oldRecord("delivered", "answered"), false);
        assertThat(answered.get("outcome").asText()).isEqualTo("answered");
        assertThat(answered.get("answered_at").asText()).isEqualTo(ENDED);
        assertThat(answered.has("failed_at")).isFalse();

        ObjectNode cancelled = oldRecord("cancelled", "cancelled");
        cancelled.remove("answered_at");
        cancelled.put("cancelled_at", ENDED);
        assertThat(StatusView.of(cancelled, false).get("outcome").asText()).isEqualTo("cancelled");

        ObjectNode open = oldRecord("processing", null);
        assertThat(StatusView.of(open, false).get("outcome").isNull()).isTrue();
        // a failure an old redrive dropped left its answered_at behind: not an answer
        assertThat(StatusView.of(open, false).has("answered_at")).isFalse();

        ObjectNode failedNoResult = oldRecord("failed", null);
        failedNoResult.remove("answered_at");
        assertThat(StatusView.of(failedNoResult, false).get("outcome").asText()).isEqualTo("failed");
    }

    @Test
    void anOldFailedRecordWithoutAnsweredAtTakesItsResultsTime() {
        ObjectNode old = oldRecord("dead_lettered", "failed");
        old.remove("answered_at");
        assertThat(QuestionOutcome.failedAt(old)).isEqualTo(ENDED);
    }

    // --- the export ---

    @Test
    void theExportSaysHowTheQuestionEndedBesideTheDeliveryOutcome() {
        ObjectNode record = delivered(apply(queued(), records.agentFinished(result("failed", "ValidationException"), withTarget())));
        JsonNode conversation = ConversationExport.conversation(record);
        assertThat(conversation.get("outcome").asText()).isEqualTo("failed");
        assertThat(conversation.get("delivery").get("outcome").asText()).isEqualTo("delivered");
        assertThat(conversation.get("timings").get("failed_at").asText()).isEqualTo(ENDED);
        assertThat(conversation.get("timings").get("answered_at").isNull()).isTrue();
        assertThat(ConversationExport.metadata(record).get("outcome").asText()).isEqualTo("failed");
        assertThat(ConversationExport.summary(record).get("outcome").asText()).isEqualTo("failed");

        JsonNode old = ConversationExport.conversation(oldRecord("delivered", "failed"));
        assertThat(old.get("outcome").asText()).isEqualTo("failed");
        assertThat(old.get("timings").get("failed_at").asText()).isEqualTo(ENDED);
        assertThat(old.get("timings").get("answered_at").isNull()).isTrue();

        ObjectNode cancelled = apply(queued(), records.cancelled(result("cancelled", null), withTarget()));
        assertThat(ConversationExport.summary(cancelled).get("outcome").asText()).isEqualTo("cancelled");
        assertThat(ConversationExport.conversation(cancelled).get("timings").get("cancelled_at").asText()).isEqualTo(ENDED);
    }

    // ---

    private ObjectNode queued() {
        ObjectNode request = Json.object().put("query", "q").put("source_system", "crm");
        return apply(null, records.queued(QUEUED, "alice", request));
    }

    /** Its one delivery delivering, then delivered. */
    private ObjectNode delivered(ObjectNode record) {
        Exchange delivery = withTarget();
        delivery.setProperty(FlowProperties.WEBHOOK_ID, "msg_" + ID);
        delivery.setProperty(FlowProperties.DELIVERY_TARGET, target);
        record = apply(record, records.delivering(delivery));
        records.outcome(delivery, "delivered");
        return apply(record, records.deliveryEnded(delivery));
    }

    private Exchange withTarget() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(FlowProperties.TRACKING_ID, ID);
        exchange.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(target));
        return exchange;
    }

    /** A result as the agent stage or the cancel writes it; every one has its time in {@code answered_at}. */
    private static String result(String status, String errorCode) {
        ObjectNode message = Json.object().put("message_type", "webhook_delivery").put("tracking_id", ID).put("webhook_id", "msg_" + ID)
                .put("status", status).put("answered_at", ENDED).put("response", "answered".equals(status) ? "the answer" : null);
        if (errorCode != null) {
            message.putObject("error").put("code", errorCode).put("message", "the agent refused the question as invalid");
        }
        return Json.write(message);
    }

    /**
     * A record as the gateway wrote it before {@code outcome}: {@code answered_at} set by the agent stage whatever its
     * result ({@code resultStatus}: the stored delivery message's status; null: none stored).
     */
    static ObjectNode oldRecord(String status, String resultStatus) {
        ObjectNode record = Json.object();
        record.put("tracking_id", ID);
        record.put("status", status);
        record.put("queued_at", QUEUED);
        record.put("processing_started_at", QUEUED);
        record.put("answered_at", ENDED);
        record.put("caller", "alice");
        if (resultStatus != null) {
            record.set("delivery_message", Json.object().put("status", resultStatus).put("answered_at", ENDED));
        }
        if ("failed".equals(resultStatus)) {
            record.putObject("last_error").put("code", "ValidationException").put("message", "the agent refused the question as invalid");
        }
        record.putArray("history");
        return record;
    }

    private static ObjectNode apply(ObjectNode record, StageEvent event) {
        assertThat(event).isNotNull();
        return TrackingRecord.apply(record, ID, event);
    }
}
