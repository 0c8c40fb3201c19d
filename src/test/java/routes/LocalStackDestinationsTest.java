package routes;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsOutbound;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SNS and EventBridge destinations against LocalStack's real services: a topic with a raw-delivery SQS
 * subscription, and a bus with a rule on the gateway's {@code source} whose target is a queue; what arrives verifies.
 * Runs wherever Docker is present; skipped (not failed) where it is not.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackDestinationsTest {

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.EnabledService.named("sqs"), LocalStackContainer.EnabledService.named("sns"),
                    LocalStackContainer.EnabledService.named("events"));

    static AwsDestinationsTestbed bed;
    static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        String endpoint = LOCALSTACK.getEndpoint().toString();
        bed = new AwsDestinationsTestbed(endpoint, endpoint, endpoint);
        sqs = SqsClient.builder().region(Region.of(LOCALSTACK.getRegion())).endpointOverride(URI.create(endpoint))
                .credentialsProvider(credentials()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
            sqs.close();
        }
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    }

    static String queueArn(String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    static Message receiveOne(String url) {
        Message[] got = new Message[1];
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1).messageAttributeNames("All")).messages();
            if (!messages.isEmpty()) {
                got[0] = messages.get(0);
            }
            return got[0] != null;
        });
        return got[0];
    }

    @Test
    void aTopicsRawSubscriberGetsThePayloadAndTheSignatureAttributes() {
        try (SnsClient sns = SnsClient.builder().region(Region.of(LOCALSTACK.getRegion())).endpointOverride(LOCALSTACK.getEndpoint())
                .credentialsProvider(credentials()).build()) {
            String topic = sns.createTopic(r -> r.name("answers")).topicArn();
            String queue = sqs.createQueue(r -> r.queueName("sns-subscriber")).queueUrl();
            sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn(queue))
                    .attributes(Map.of("RawMessageDelivery", "true")));
            String payload = AwsDestinationsTestbed.payload("trk-ls-sns", "From LocalStack's SNS.");
            Exchange sent = bed.send(AwsDestinationRoutes.PUBLISH_SNS, bed.delivery("msg_ls_sns", "trk-ls-sns", payload, topic));
            assertThat(sent.getException()).isNull();

            Message message = receiveOne(queue);
            assertThat(message.body()).isEqualTo(payload);
            assertThat(message.messageAttributes()).containsOnlyKeys(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP,
                    WebhookSigner.HEADER_SIGNATURE, AwsOutbound.HEADER_TYPE);
            assertThat(AwsDestinationsTestbed.SIGNER.check("msg_ls_sns",
                    message.messageAttributes().get(WebhookSigner.HEADER_TIMESTAMP).stringValue(), message.body(),
                    message.messageAttributes().get(WebhookSigner.HEADER_SIGNATURE).stringValue()).isValid()).isTrue();
        }
    }

    @Test
    void aBusRuleOnTheSourceDeliversTheEventWhoseDetailVerifies() {
        try (EventBridgeClient events = EventBridgeClient.builder().region(Region.of(LOCALSTACK.getRegion()))
                .endpointOverride(LOCALSTACK.getEndpoint()).credentialsProvider(credentials()).build()) {
            events.createEventBus(r -> r.name("answers"));
            String queue = sqs.createQueue(r -> r.queueName("bus-target")).queueUrl();
            events.putRule(r -> r.name("gateway-answers").eventBusName("answers")
                    .eventPattern("{\"source\":[\"ai-webhook-gateway\"],\"detail-type\":[\"query.answered\"]}"));
            events.putTargets(r -> r.rule("gateway-answers").eventBusName("answers")
                    .targets(t -> t.id("queue").arn(queueArn(queue))));
            String payload = AwsDestinationsTestbed.payload("trk-ls-eb", "From LocalStack's EventBridge.");
            Exchange sent = bed.send(AwsDestinationRoutes.PUT_EVENTBRIDGE, bed.delivery("msg_ls_eb", "trk-ls-eb", payload, "answers"));
            assertThat(sent.getException()).isNull();

            JsonNode event = Json.parseOrNull(receiveOne(queue).body());
            assertThat(event.path("source").asText()).isEqualTo("ai-webhook-gateway");
            assertThat(event.path("detail-type").asText()).isEqualTo("query.answered");
            JsonNode detail = event.path("detail");
            assertThat(detail.path("payload").asText()).isEqualTo(payload);
            assertThat(AwsDestinationsTestbed.SIGNER.check("msg_ls_eb", detail.path("headers").path(WebhookSigner.HEADER_TIMESTAMP).asText(),
                    detail.path("payload").asText(), detail.path("headers").path(WebhookSigner.HEADER_SIGNATURE).asText()).isValid()).isTrue();
        }
    }
}
