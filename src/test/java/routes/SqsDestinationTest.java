package routes;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import gateway.delivery.DestinationFailure;
import gateway.delivery.OutboundWebhook;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsOutbound;
import gateway.local.EmbeddedSqsServer;
import gateway.testing.LocalAws;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AwsDestinationRoutes#SEND_SQS} against a real ElasticMQ through the real SDK client and Camel's
 * {@code aws2-sqs}: the consumer gets the exact payload, the webhook-id, timestamp, signature (which verifies with
 * the endpoint's secret) and type as its only attributes; a FIFO queue gets the tracking id as group and the
 * webhook-id as deduplication id; a missing queue is a pause with its code; the delivery's message is put back.
 */
class SqsDestinationTest {

    static EmbeddedSqsServer server;
    static SqsClient sqs;
    static AwsDestinationsTestbed bed;
    static String standardUrl;
    static String fifoUrl;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedSqsServer(0);
        server.start();
        sqs = LocalAws.sqs(server.endpoint());
        standardUrl = sqs.createQueue(r -> r.queueName("answers")).queueUrl();
        fifoUrl = sqs.createQueue(r -> r.queueName("answers.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"))).queueUrl();
        bed = new AwsDestinationsTestbed(server.endpoint().toString(), "", "");
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
        sqs.close();
        server.stop();
    }

    private static List<Message> receive(String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    @Test
    void theQueueGetsTheExactPayloadWithTheSignatureAttributesOnly() {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String payload = AwsDestinationsTestbed.payload("trk-1", "Three deals: **Acme**, Globex & \"Initech\" <soon>.");
        Exchange sent = bed.send(AwsDestinationRoutes.SEND_SQS, bed.delivery(id, "trk-1", payload, standardUrl));
        assertThat(sent.getException()).isNull();

        List<Message> messages = receive(standardUrl);
        assertThat(messages).hasSize(1);
        Message message = messages.get(0);
        assertThat(message.body()).isEqualTo(payload);
        assertThat(message.messageAttributes()).containsOnlyKeys(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP,
                WebhookSigner.HEADER_SIGNATURE, AwsOutbound.HEADER_TYPE);
        assertThat(message.messageAttributes().values()).allSatisfy(v -> assertThat(v.dataType()).isEqualTo("String"));
        assertThat(message.messageAttributes().get(WebhookSigner.HEADER_ID).stringValue()).isEqualTo(id);
        assertThat(message.messageAttributes().get(AwsOutbound.HEADER_TYPE).stringValue()).isEqualTo("query.answered");
        // the consumer verifies as a webhook receiver does: id.timestamp.body with the endpoint's secret
        assertThat(AwsDestinationsTestbed.SIGNER.check(id, message.messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(),
                message.body(), message.messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue()).isValid()).isTrue();
        // a changed body does not verify
        assertThat(AwsDestinationsTestbed.SIGNER.check(id, message.messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(),
                message.body().replace("Acme", "Acne"), message.messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue())
                .isValid()).isFalse();
        sqs.deleteMessage(r -> r.queueUrl(standardUrl).receiptHandle(message.receiptHandle()));

        // the delivery's headers are as they were (its delete needs the receipt handle), the body SQS's answer
        assertThat(sent.getMessage().getBody(String.class)).isEqualTo("{\"message_id\":\"" + message.messageId() + "\"}");
        assertThat(sent.getMessage().getHeader(Exchange.HTTP_URI)).isEqualTo("https://receiver.example/hook?token=secret");
        assertThat(sent.getMessage().getHeader(OutboundWebhook.HEADER_TRACKING_ID)).isEqualTo("trk-1");
        assertThat(sent.getProperty(AwsOutbound.MESSAGE_ID, String.class)).isEqualTo(message.messageId());
    }

    @Test
    void aFifoQueueGetsTheTrackingIdAsGroupAndDropsASecondSendOfTheSameWebhookId() {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String payload = AwsDestinationsTestbed.payload("trk-fifo", "Answer.");
        Exchange first = bed.send(AwsDestinationRoutes.SEND_SQS, bed.delivery(id, "trk-fifo", payload, fifoUrl));
        // the same delivery again (an attempt whose answer was lost): same webhook-id, a later signature
        Exchange again = bed.send(AwsDestinationRoutes.SEND_SQS, bed.delivery(id, "trk-fifo", payload, fifoUrl));
        String otherId = "msg_" + UUID.randomUUID().toString().replace("-", "");
        Exchange other = bed.send(AwsDestinationRoutes.SEND_SQS, bed.delivery(otherId, "trk-fifo", payload, fifoUrl));
        assertThat(List.of(first, again, other)).allSatisfy(e -> assertThat(e.getException()).isNull());

        List<Message> messages = receive(fifoUrl);
        assertThat(messages).extracting(m -> m.messageAttributes().get(WebhookSigner.HEADER_ID).stringValue())
                .containsExactly(id, otherId);
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("trk-fifo");
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                    .isEqualTo(m.messageAttributes().get(WebhookSigner.HEADER_ID).stringValue());
            assertThat(m.body()).isEqualTo(payload);
        });
    }

    @Test
    void aMissingQueuePausesTheEndpointWithItsCodeAndNoAwsText() {
        String missing = server.endpoint() + "/000000000000/no-such-queue";
        Exchange sent = bed.send(AwsDestinationRoutes.SEND_SQS, bed.delivery("msg_missing", "trk-2",
                AwsDestinationsTestbed.payload("trk-2", "x"), missing));
        assertThat(sent.getException()).isInstanceOf(DestinationFailure.class);
        DestinationFailure failure = (DestinationFailure) sent.getException();
        assertThat(failure.action()).isEqualTo(DestinationFailure.Action.PAUSE);
        assertThat(failure.code()).isEqualTo("sqs_not_found");
        assertThat(failure.getMessage()).doesNotContain("no-such-queue").doesNotContain("000000000000");
        // put back for the next attempt or the park
        assertThat(sent.getMessage().getBody(String.class)).contains("\"tracking_id\":\"trk-2\"");
        assertThat(sent.getMessage().getHeader(Exchange.HTTP_URI)).isEqualTo("https://receiver.example/hook?token=secret");
        assertThat(sent.getMessage().getHeader(WebhookSigner.HEADER_SIGNATURE)).isNotNull();
    }

    @Test
    void aQueueUrlOfAnotherRegionIsSentWithThatRegionsClient() {
        // an AWS queue URL of eu-west-1: the client of eu-west-1 (here pointed at ElasticMQ by the endpoint override,
        // which finds the queue by the URL's name)
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String payload = AwsDestinationsTestbed.payload("trk-3", "Elsewhere.");
        Exchange sent = bed.send(AwsDestinationRoutes.SEND_SQS,
                bed.delivery(id, "trk-3", payload, "https://sqs.eu-west-1.amazonaws.com/000000000000/answers"));
        assertThat(sent.getException()).isNull();
        assertThat(bed.clients.made()).contains("sqs@eu-west-1");
        List<Message> messages = receive(standardUrl);
        assertThat(messages).extracting(Message::body).contains(payload);
        messages.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(standardUrl).receiptHandle(m.receiptHandle())));
    }
}
