package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.admin.DeadLetterAdmin;
import gateway.testing.ScriptedReceiver;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A request SQS's redrive policy moved to the DLQ by itself (here moved by the test, as SQS moves it: body and
 * attributes, none of the gateway's failure attributes) is found by the dead-letter sweep, once: the caller gets
 * its query.failed webhook, the record its end, the DLQ entry its reason.
 */
class DeadLetterSweepTest {

    @Test
    void aRequestSqsMovedByItselfIsFoundAndItsCallerToldOnce() throws Exception {
        try (ReceiverAndApp flow = ReceiverAndApp.start(Map.of(
                "gateway.agent.stage-enabled", "false",
                "gateway.dlq.sweep-enabled", "true",
                "gateway.dlq.sweep-seconds", "1"))) {
            var accepted = flow.app().postJson("/webhook", Json.write(Json.object().put("query", "lost in a crash")
                    .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "sweep")));
            String trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();
            String requests = flow.app().property("gateway.queue.requests");
            TrackingRouteTestSupport.awaitStatus(flow.app(), trackingId, "queued");

            // what SQS does after maxReceiveCount receives: the message as it was, to the DLQ
            String url = flow.app().queueUrl(requests);
            List<Message> taken = flow.app().sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            assertThat(taken).hasSize(1);
            Message moved = taken.get(0);
            flow.app().sqs().sendMessage(r -> r.queueUrl(flow.app().queueUrl(flow.app().dlq("requests"))).messageBody(moved.body())
                    .messageAttributes(moved.messageAttributes())
                    .messageGroupId(moved.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                    .messageDeduplicationId(moved.messageId()));
            flow.app().sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(moved.receiptHandle()));

            ScriptedReceiver.Delivery told = flow.receiver().awaitDeliveries(1, Duration.ofSeconds(60)).get(0);
            assertThat(told.signatureValid()).isTrue();
            JsonNode payload = Json.MAPPER.readTree(told.body());
            assertThat(payload.get("type").asText()).isEqualTo("query.failed");
            assertThat(payload.get("tracking_id").asText()).isEqualTo(trackingId);
            assertThat(payload.get("error").get("code").asText()).isEqualTo("MaxReceiveCountExceeded");
            assertThat(payload.get("error").get("message").asText()).contains("moved to the DLQ by SQS's redrive policy");
            assertThat(TrackingRouteTestSupport.awaitStatus(flow.app(), trackingId, "delivered").get("history").toString())
                    .contains("\"status\":\"failed\"");

            // rewritten with its reason, so the sweeps after it leave it alone
            await().atMost(Duration.ofSeconds(30)).until(() -> listed(flow.app(), "requests").get("messages").path(0).path("reason").asText("").contains("redrive policy"));
            Thread.sleep(3000); // three more sweeps: none tells the caller again
            assertThat(flow.receiver().deliveries()).hasSize(1);
            JsonNode listed = listed(flow.app(), "requests");
            assertThat(listed.get("count").asInt()).isEqualTo(1);
            assertThat(listed.get("messages").get(0).get("stage").asText()).isEqualTo("agent-invoke");
            assertThat(listed.get("messages").get(0).get("tracking_id").asText()).isEqualTo(trackingId);
        }
    }

    @Test
    void aDeliverySqsMovedByItselfEndsDeadLetteredOnce() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of(
                "gateway.delivery.stage-enabled", "false",
                "gateway.dlq.sweep-enabled", "true",
                "gateway.dlq.sweep-seconds", "1"))) {
            var accepted = app.postJson("/webhook", Json.write(Json.object().put("query", "answered, then lost")
                    .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "sweep")));
            String trackingId = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();
            String deliveries = app.property("gateway.queue.deliveries");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(deliveries) == 1);

            String url = app.queueUrl(deliveries);
            Message moved = app.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1)
                    .messageAttributeNames("All")).messages().get(0);
            app.sqs().sendMessage(r -> r.queueUrl(app.queueUrl(app.dlq("deliveries"))).messageBody(moved.body())
                    .messageAttributes(moved.messageAttributes()));
            app.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(moved.receiptHandle()));

            JsonNode record = TrackingRouteTestSupport.awaitStatus(app, trackingId, "dead_lettered");
            assertThat(record.get("history").toString()).contains("\"status\":\"answered\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> listed(app, "deliveries").get("messages").path(0).path("reason").asText("").contains("redrive policy"));
            JsonNode listed = listed(app, "deliveries");
            assertThat(listed.get("count").asInt()).isEqualTo(1);
            assertThat(listed.get("messages").get(0).get("stage").asText()).isEqualTo("webhook-deliver");
            assertThat(Json.MAPPER.readTree(moved.body()).get("tracking_id").asText()).isEqualTo(trackingId);
        }
    }

    /** The operator's listing of a work queue's dead letters, from its route (list-<queue>-dead-letters). */
    private static JsonNode listed(GatewayTestApp app, String queue) throws Exception {
        try (ProducerTemplate template = app.context().createProducerTemplate()) {
            Exchange done = template.send(DeadLetterAdmin.listEndpoint(queue), e -> e.setProperty(FlowProperties.DLQ_MAX, 10));
            assertThat(done.getException()).isNull();
            return done.getMessage().getBody(JsonNode.class);
        }
    }
}
