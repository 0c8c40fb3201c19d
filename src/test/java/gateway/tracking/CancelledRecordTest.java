package gateway.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cancelled record stays cancelled: the agent stage's late writes, its result, a redrive and the deliveries of its own
 * query.cancelled webhook never move its status; a cancellation that comes after the agent's result changes nothing.
 */
class CancelledRecordTest {

    static final String ID = "0b9f6f2e-4c1a-4b7e-9d4e-1f2a3b4c5d6e";
    final StageRecords records = new StageRecords(null, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
            new DeliveryAttempts(3));
    final DefaultCamelContext context = new DefaultCamelContext();
    final DeliveryTarget target = new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, "https://receiver.example/hook", "msg_" + ID);

    @Test
    void cancelledIsFinalAndItsWebhookIsTracked() {
        ObjectNode record = queued();
        record = apply(record, records.cancelled(message("cancelled", "2026-12-01T10:00:01Z"), withTargets()));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
        assertThat(record.path("cancelled_at").asText()).isEqualTo("2026-12-01T10:00:01Z");
        assertThat(record.path("deliveries").path("msg_" + ID).path("status").asText()).isEqualTo("pending");
        assertThat(TrackingRecord.cancellable(record)).isFalse();

        // a late "processing" and the agent's answer (a race): status stays, the answer is not kept, and the record as
        // written says "cancelled", which the stage reads back (RecordWriter#writtenOf) and so does not deliver it
        Exchange agent = withTargets();
        agent.getMessage().setBody("prompt");
        record = apply(record, records.processing("prompt", agent));
        Exchange answered = withTargets();
        record = apply(record, records.agentFinished(message("answered", "2026-12-01T10:00:05Z"), answered));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
        assertThat(record.path("delivery_message").path("status").asText()).isEqualTo("cancelled");
        assertThat(record.has("answered_at")).isFalse();

        // its own webhook delivering, then delivered: the deliveries say so, the status stays cancelled, it is over
        Exchange delivery = withTargets();
        delivery.setProperty(FlowProperties.WEBHOOK_ID, "msg_" + ID);
        delivery.setProperty(FlowProperties.DELIVERY_TARGET, target);
        record = apply(record, records.delivering(delivery));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
        records.outcome(delivery, "delivered");
        record = apply(record, records.deliveryEnded(delivery));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
        assertThat(record.path("deliveries").path("msg_" + ID).path("status").asText()).isEqualTo("delivered");
        assertThat(record.hasNonNull("finished_at")).isTrue();
        assertThat(TrackingRecord.requestOver(record)).isTrue();
        // and the history shows every step
        assertThat(record.path("history").findValuesAsText("status")).contains("queued", "cancelled", "delivered");
    }

    @Test
    void aCancellationAfterTheResultChangesNothing() {
        ObjectNode record = apply(queued(), records.agentFinished(message("answered", "2026-12-01T10:00:02Z"), withTargets()));
        assertThat(TrackingRecord.cancellable(record)).isFalse();
        record = apply(record, records.cancelled(message("cancelled", "2026-12-01T10:00:03Z"), withTargets()));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.ANSWERED);
        assertThat(record.path("delivery_message").path("status").asText()).isEqualTo("answered");
        assertThat(record.has("cancelled_at")).isFalse();
    }

    @Test
    void noEndpointTakesQueryCancelledTheRequestIsOverAtOnce() {
        Exchange nobody = new DefaultExchange(context);
        nobody.setProperty(FlowProperties.DELIVERY_TARGETS, List.of());
        ObjectNode record = apply(queued(), records.cancelled(message("cancelled", "2026-12-01T10:00:01Z"), nobody));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
        assertThat(record.path("finished_at").asText()).isEqualTo("2026-12-01T10:00:01Z");
        assertThat(record.has("deliveries")).isFalse();
    }

    @Test
    void aRedriveNeverRestartsACancelledQuestion() {
        ObjectNode record = apply(queued(), records.cancelled(message("cancelled", "2026-12-01T10:00:01Z"), withTargets()));
        Exchange redriven = new DefaultExchange(context);
        redriven.getMessage().setHeader(gateway.sqs.DeadLetters.REDRIVES, 1);
        assertThat(records.redrive(new S3RecordStore.Stored(record, "etag"), redriven)).isNull();
        // a restart that arrives anyway does not move it either
        record = apply(record, StageEvent.restart(TrackingStatus.PROCESSING, "2026-12-01T10:00:09Z", null, "restart", r -> { }));
        assertThat(TrackingRecord.status(record)).isEqualTo(TrackingStatus.CANCELLED);
    }

    private ObjectNode queued() {
        ObjectNode request = Json.object().put("query", "q").put("source_system", "crm");
        return apply(null, records.queued("2026-12-01T10:00:00Z", "alice", request));
    }

    private Exchange withTargets() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(FlowProperties.TRACKING_ID, ID);
        exchange.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(target));
        return exchange;
    }

    private static String message(String status, String at) {
        return Json.write(Json.object().put("message_type", "webhook_delivery").put("tracking_id", ID).put("webhook_id", "msg_" + ID)
                .put("status", status).put("answered_at", at).put("response", "answered".equals(status) ? "the answer" : null));
    }

    private static ObjectNode apply(ObjectNode record, StageEvent event) {
        return TrackingRecord.apply(record, ID, event);
    }
}
