package routes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.IndependentVerifier;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScheduledRedeliveries;
import gateway.testing.ScheduledRedeliveries.Scheduled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The whole flow on the real app: POST /webhook → agent emulator → signed delivery to a real HTTP
 * receiver, with the retry rules, the long schedule and the dead-letter queue.
 */
class WebhookDeliverRouteTest {

    static final String ADMIN_TOKEN = "test-admin-token-1";

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;
    static String deliveries;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.admin.token", ADMIN_TOKEN));
        receiver = flow.receiver();
        app = flow.app();
        deliveries = app.property("gateway.queue.deliveries");
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @BeforeEach
    void clean() {
        flow.reset();
        app.drain(app.dlq("deliveries"));
    }

    @Test
    void answerArrivesSignedWithEveryPayloadField() throws Exception {
        String trackingId = post("What deals are closing this quarter?");
        ScriptedReceiver.Delivery delivery = receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);

        assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
        assertThat(delivery.header("X-Webhook-Source")).isEqualTo("revops-ai-framework");
        assertThat(delivery.header("X-Tracking-ID")).isEqualTo(trackingId);
        assertThat(delivery.webhookId()).isEqualTo("msg_" + trackingId);
        assertThat(independentlyVerified(delivery)).isTrue();
        assertThat(delivery.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("message_type")
                || h.equalsIgnoreCase("senderid") || h.toLowerCase().startsWith("camel")
                || h.toLowerCase().startsWith("approximate"));

        JsonNode payload = delivery.payload();
        assertThat(payload.fieldNames()).toIterable().contains("type", "status", "tracking_id", "source_system",
                "source_process", "original_query", "ai_response", "webhook_metadata");
        assertThat(payload.get("type").asText()).isEqualTo("query.answered");
        assertThat(payload.get("status").asText()).isEqualTo("answered");
        assertThat(payload.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(payload.get("source_system").asText()).isEqualTo("crm");
        assertThat(payload.get("source_process").asText()).isEqualTo("quarterly_review");
        assertThat(payload.get("original_query").asText()).isEqualTo("What deals are closing this quarter?");
        JsonNode ai = payload.get("ai_response");
        assertThat(ai.get("response").asText()).contains("**Negotiation**");
        assertThat(ai.get("response_plain").asText())
                .contains("deal_stage", "close_date", "$1.2M * 2", "- Forecast:", "the pipeline report",
                        "SELECT deal_stage, close_date FROM deals");
        assertThat(ai.get("session_id").asText()).isEqualTo(trackingId);
        assertThat(Instant.parse(ai.get("timestamp").asText().replace("+00:00", "Z"))).isNotNull();
        assertThat(payload.get("webhook_metadata").get("delivered_at").asText()).isNotBlank();
        assertThat(payload.get("webhook_metadata").has("webhook_url")).as("the URL is not echoed").isFalse();
        assertThat(payload.has("error")).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(deliveries) == 0);
        // every exchange of the conversation completed, also where the route went on in another thread
        // (sqs-batch calls, the agent's completion threads): a leaked one would hold up shutdown
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.context().getInflightRepository().browse())
                .extracting(inflight -> inflight.getExchange().getProperty("tracking_id", String.class))
                .doesNotContain(trackingId));
    }

    @Test
    void failedQueryIsDeliveredToo() throws Exception {
        String trackingId = post("[emulator:access-denied] Forbidden question");
        JsonNode payload = receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0).payload();
        assertThat(payload.get("type").asText()).isEqualTo("query.failed");
        assertThat(payload.get("status").asText()).isEqualTo("failed");
        assertThat(payload.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(payload.get("error").get("code").asText()).isEqualTo("AccessDeniedException");
        assertThat(payload.get("ai_response").get("response").isNull()).isTrue();
    }

    @Test
    void serverErrorsAreRetriedWithTheSameWebhookIdAndValidSignatures() throws Exception {
        receiver.respondWith(503, 503, 200);
        List<ScriptedReceiver.Delivery> attempts;
        List<Scheduled> delays;
        try (ScheduledRedeliveries scheduled = ScheduledRedeliveries.start()) {
            String trackingId = post("Retry me");
            attempts = receiver.awaitDeliveries(3, Duration.ofSeconds(30));
            delays = scheduled.all();
            // this delivery is the only one retrying (later retries' log lines carry no tracking id)
            assertOnlyThisDeliveryRetried(delays, trackingId);
        }
        assertThat(attempts).extracting(ScriptedReceiver.Delivery::webhookId).containsOnly(attempts.get(0).webhookId());
        assertThat(attempts).allMatch(WebhookDeliverRouteTest::independentlyVerified);
        // the waits the route scheduled (not the time measured at the receiver, which a busy machine
        // stretches or squeezes): in tests 100 ms ±20%, then twice that delay ±20%. Camel's backoff doubles
        // the previous, already jittered, delay: the second wait is 128..288 ms, not 200 ms ±20%
        assertThat(delays).as("two retries scheduled by the backoff (no Retry-After)").hasSize(2)
                .noneMatch(Scheduled::fromHeader);
        long first = delays.get(0).delayMillis();
        long second = delays.get(1).delayMillis();
        assertThat(first).isBetween(80L, 120L);
        assertThat(second).isBetween((long) Math.floor(first * 2 * 0.8), (long) Math.ceil(first * 2 * 1.2));
        // and each retry came after its wait: a lower bound only, with wide slack (a gap can only be longer)
        assertThat(gap(attempts, 0, 1)).isGreaterThanOrEqualTo(Duration.ofMillis(first / 2));
        assertThat(gap(attempts, 1, 2)).isGreaterThanOrEqualTo(Duration.ofMillis(second / 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(deliveries) == 0);
        assertThat(app.depth(app.dlq("deliveries"))).isZero();
        Thread.sleep(300);
        assertThat(receiver.receivedCount()).isEqualTo(3);
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        receiver.respondWith(ScriptedReceiver.Response.status(429).retryAfter("2"), ScriptedReceiver.Response.status(200));
        List<ScriptedReceiver.Delivery> attempts;
        List<Scheduled> delays;
        try (ScheduledRedeliveries scheduled = ScheduledRedeliveries.start()) {
            String trackingId = post("Slow down");
            attempts = receiver.awaitDeliveries(2, Duration.ofSeconds(30));
            // every decision of the moment (the MDC's route id can be a sub-route's a consumer thread ran last, e.g.
            // dead-letter-delivery); assertOnlyThisDeliveryRetried checks they are this delivery's
            delays = scheduled.all();
            assertOnlyThisDeliveryRetried(delays, trackingId);
        }
        // the route waited what the receiver asked (Retry-After: 2 s, set as the redelivery delay header)
        assertThat(delays).extracting(Scheduled::delayMillis, Scheduled::fromHeader).containsExactly(tuple(2000L, true));
        assertThat(attempts).extracting(ScriptedReceiver.Delivery::respondedStatus).containsExactly(429, 200);
        // a lower bound only, with wide slack: the second attempt came after the wait
        assertThat(gap(attempts, 0, 1)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void noContentCountsAsDelivered() throws Exception {
        receiver.respondWith(204);
        post("204 is fine");
        receiver.awaitDeliveries(1, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(deliveries) == 0);
        Thread.sleep(1500);
        assertThat(receiver.receivedCount()).isEqualTo(1);
        assertThat(app.depth(app.dlq("deliveries"))).isZero();
    }

    @Test
    void clientErrorIsPermanentOneAttemptThenTheDlq() throws Exception {
        receiver.respondWith(400);
        String trackingId = post("Rejected by the receiver");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        Message dead = app.drain(app.dlq("deliveries")).get(0);
        assertThat(dead.messageAttributes().get("http_status").stringValue()).isEqualTo("400");
        assertThat(dead.messageAttributes().get("tracking_id").stringValue()).isEqualTo(trackingId);
        assertThat(dead.messageAttributes().get("failed_stage").stringValue()).isEqualTo("webhook-deliver");
        assertThat(Json.MAPPER.readTree(dead.body()).get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(receiver.receivedCount()).isEqualTo(1);
        assertThat(app.depth(deliveries)).isZero();
    }

    @Test
    void redirectIsNotFollowedAndIsPermanent() throws Exception {
        receiver.respondWith(301);
        post("Moved");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        assertThat(app.drain(app.dlq("deliveries")).get(0).messageAttributes().get("http_status").stringValue())
                .isEqualTo("301");
        assertThat(receiver.receivedCount()).isEqualTo(1);
    }

    @Test
    void receiverDownIsRetriedOnTheScheduleThenDeadLettered() throws Exception {
        receiver.stop();
        String trackingId = post("Nobody home");
        // 4 attempts per receive (1 + 3 retries), schedule 1s,1s in tests: 3 receives, then the DLQ
        await().atMost(Duration.ofSeconds(40)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        Message dead = app.drain(app.dlq("deliveries")).get(0);
        assertThat(dead.messageAttributes().get("attempts").stringValue()).isEqualTo("3");
        assertThat(dead.messageAttributes().get("failure_reason").stringValue()).containsIgnoringCase("connect");
        assertThat(dead.messageAttributes().get("tracking_id").stringValue()).isEqualTo(trackingId);
        assertThat(app.depth(deliveries)).isZero();
    }

    @Test
    void deadLetterIsListedAndRedrivenThenDelivered() throws Exception {
        receiver.respondWith(422);
        String trackingId = post("Refused once, then accepted");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("deliveries")) == 1);

        var noToken = app.send(java.net.http.HttpRequest.newBuilder(app.managementUrl("/admin/dlq/deliveries")).GET().build());
        assertThat(noToken.statusCode()).isEqualTo(401);
        var listed = app.send(admin("/admin/dlq/deliveries").GET().build());
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode item = Json.MAPPER.readTree(listed.body()).get("messages").get(0);
        assertThat(item.get("tracking_id").asText()).isEqualTo(trackingId);
        assertThat(item.get("http_status").asText()).isEqualTo("422");
        assertThat(item.get("stage").asText()).isEqualTo("webhook-deliver");
        assertThat(item.get("reason").asText()).isEqualTo("HttpOperationFailedException: the receiver answered HTTP 422")
                .as("no URL: a callback URL's query may carry a token").doesNotContain(receiver.url());
        JsonNode carried = item.get("message");
        assertThat(carried.get("kind").asText()).isEqualTo("delivery");
        assertThat(carried.get("event_type").asText()).isEqualTo("query.answered");
        assertThat(carried.get("question").asText()).isEqualTo("Refused once, then accepted");
        assertThat(carried.get("target").asText()).isEqualTo("default");
        assertThat(listed.body()).as("what it carries names no URL and no answer").doesNotContain(receiver.url())
                .doesNotContain("ai_response").doesNotContain("response_plain");
        assertThat(app.depth(app.dlq("deliveries"))).as("listing leaves it on the DLQ").isEqualTo(1);

        var redriven = app.send(admin("/admin/dlq/deliveries/redrive?message_id=" + item.get("message_id").asText())
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(Json.MAPPER.readTree(redriven.body()).get("redriven").asInt()).isEqualTo(1);
        List<ScriptedReceiver.Delivery> got = receiver.awaitDeliveries(2, Duration.ofSeconds(30));
        assertThat(got.get(1).trackingId()).isEqualTo(trackingId);
        assertThat(got.get(1).webhookId()).isEqualTo(got.get(0).webhookId());
        // the DLQ kept the delivery message, not the payload of the refused attempt: the redriven one is whole
        assertThat(got.get(1).payload().path("ai_response").path("response").asText()).isNotBlank()
                .isEqualTo(got.get(0).payload().path("ai_response").path("response").asText());
        assertThat(got.get(1).payload().path("original_query").asText()).isEqualTo("Refused once, then accepted");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(deliveries) == 0);
        assertThat(app.depth(app.dlq("deliveries"))).isZero();
        assertThat(app.send(admin("/admin/dlq/nope").GET().build()).statusCode()).isEqualTo(404);
    }

    static java.net.http.HttpRequest.Builder admin(String path) {
        return java.net.http.HttpRequest.newBuilder(app.managementUrl(path)).header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    static boolean independentlyVerified(ScriptedReceiver.Delivery delivery) {
        return IndependentVerifier.signedWith(delivery, ReceiverAndApp.SECRET);
    }

    static void assertOnlyThisDeliveryRetried(List<Scheduled> delays, String trackingId) {
        assertThat(delays).isNotEmpty();
        assertThat(delays.get(0).trackingId()).isEqualTo(trackingId);
        assertThat(delays).extracting(Scheduled::trackingId).allMatch(id -> id == null || id.equals(trackingId));
    }

    static Duration gap(List<ScriptedReceiver.Delivery> attempts, int a, int b) {
        return Duration.between(attempts.get(a).receivedAt(), attempts.get(b).receivedAt());
    }

    private String post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "quarterly_review"));
        var response = app.postJson("/webhook", body);
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }
}
