package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.chat.AdaptiveCardRules;
import gateway.chat.BlockKitRules;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.sqs.DeadLetters;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slack and Teams endpoints through the real routes and real HTTP: each caller's chat endpoints point at receivers on
 * loopback ({@code CHAT_ALLOW_ANY_HOST=true}); what they get is the rendered message (checked against Block Kit's and
 * the Adaptive Card's rules), unsigned, with none of the webhook headers; the services' errors retry (Slack's 429 with
 * Retry-After), pause the endpoint and park the delivery (Slack's {@code channel_not_found}, a Teams 410: resume
 * delivers it), or dead-letter with the service's code ({@code invalid_payload}); {@code POST /endpoints/{name}/test}
 * sends a short rendered message. The chat URLs' secret paths never show in a status, a view or a dead letter.
 */
class ChatDeliveryRouteTest {

    static final String CHAT_KEY = "chat-key-0001-aaaaaaaaaaaa";
    static final String GONE_KEY = "gone-key-0001-bbbbbbbbbbbb";
    static final String BAD_KEY = "bad-key-0001-cccccccccccc";
    static final String TEAMS_GONE_KEY = "teamsgone-key-0001-dddddd";
    static final String SECRET = CallersDeliveryTest.secret(7);
    /** The credential part of each chat URL: never shown anywhere. */
    static final String SLACK_PATH = "services/T0CHAT/B0CHAT/slacksecret0123456789";
    static final String TEAMS_PATH = "workflows/w1/triggers/manual/paths/invoke?api-version=1&sig=teamssecret0123456789";
    static final Duration WAIT = Duration.ofSeconds(30);

    static CallersTestbed bed;
    static GatewayTestApp app;
    static ScriptedReceiver slack;
    static ScriptedReceiver teams;
    static ScriptedReceiver gone;
    static ScriptedReceiver bad;
    static ScriptedReceiver teamsGone;
    static ScriptedReceiver opsTeams;

    @BeforeAll
    static void start() throws Exception {
        bed = CallersTestbed.withReceivers("slack", "teams", "gone", "bad", "teamsGone", "opsTeams");
        // their bodies are chat messages, not webhooks: checked below against Block Kit's and the card's rules instead
        slack = bed.receiver("slack").withoutContractCheck();
        teams = bed.receiver("teams").withoutContractCheck();
        gone = bed.receiver("gone").withoutContractCheck();
        bad = bed.receiver("bad").withoutContractCheck();
        teamsGone = bed.receiver("teamsGone").withoutContractCheck();
        opsTeams = bed.receiver("opsTeams").withoutContractCheck();
        app = bed.start("""
                callers:
                  - name: chat
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: team-channel
                        type: slack
                        url: %s%s
                      - name: sales-channel
                        type: teams
                        url: %s%s
                  - name: gone
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: archived
                        type: slack
                        url: %s%s
                      - name: ops-channel
                        type: teams
                        url: %s%s
                        events: [endpoint.paused, endpoint.resumed]
                  - name: bad
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: refuses
                        type: slack
                        url: %s%s
                  - name: teamsgone
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: deleted-flow
                        type: teams
                        url: %s%s
                """.formatted(CHAT_KEY, SECRET, slack.url(), SLACK_PATH, teams.url(), TEAMS_PATH,
                        GONE_KEY, SECRET, gone.url(), SLACK_PATH, opsTeams.url(), TEAMS_PATH, BAD_KEY, SECRET, bad.url(), SLACK_PATH,
                        TEAMS_GONE_KEY, SECRET, teamsGone.url(), TEAMS_PATH),
                Map.of("gateway.chat.allow-any-host", "true",
                        "gateway.admin.token", "admin-token-for-tests-0001",
                        // a paused endpoint is probed only much later: here a resume is what delivers its parked answers
                        "gateway.endpoints.probe-min", "10m",
                        "gateway.endpoints.probe-max", "20m",
                        "gateway.endpoints.health-cache-seconds", "1",
                        "gateway.delivery.schedule", "1s")).app();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void clean() {
        bed.reset();
    }

    @Test
    void aCallerWithSlackAndTeamsEndpointsGetsItsAnswerAsRenderedMessages() throws Exception {
        String id = EndpointTestSupport.post(app, CHAT_KEY, "Which deals close this quarter? <!channel> & <@U123>");

        LocalReceiver.Delivery toSlack = slack.awaitDeliveries(1, WAIT).get(0);
        LocalReceiver.Delivery toTeams = teams.awaitDeliveries(1, WAIT).get(0);
        assertThat(toSlack.path()).isEqualTo("/" + SLACK_PATH);
        for (LocalReceiver.Delivery d : List.of(toSlack, toTeams)) {
            assertThat(d.header("Content-Type")).startsWith("application/json");
            // nothing of a webhook's: no signature, no id, no source or tracking header
            assertThat(d.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("webhook-") || h.toLowerCase().startsWith("x-"));
        }
        JsonNode slackMessage = Json.MAPPER.readTree(toSlack.body());
        assertThat(BlockKitRules.violations(slackMessage)).isEmpty();
        assertThat(slackMessage.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("Question answered");
        assertThat(toSlack.body()).contains(id, "Which deals close this quarter? &lt;!channel&gt; &amp; &lt;@U123&gt;")
                .doesNotContain("<!channel>");
        JsonNode teamsMessage = Json.MAPPER.readTree(toTeams.body());
        assertThat(AdaptiveCardRules.violations(teamsMessage)).isEmpty();
        assertThat(teamsMessage.path("attachments").get(0).path("content").path("body").get(0).path("text").asText())
                .isEqualTo("Question answered");
        assertThat(toTeams.body()).contains(id, "Which deals close this quarter?");

        // the status shows each delivery delivered, its URL as scheme and host only
        await().atMost(WAIT).until(() -> "delivered".equals(EndpointTestSupport.delivery(app, CHAT_KEY, id, "chat/team-channel")
                .path("status").asText()) && "delivered".equals(EndpointTestSupport.delivery(app, CHAT_KEY, id,
                "chat/sales-channel").path("status").asText()));
        JsonNode entry = EndpointTestSupport.delivery(app, CHAT_KEY, id, "chat/team-channel");
        assertThat(entry.path("url").asText()).isEqualTo("http://127.0.0.1:" + slack.port() + "/…");
        String status = app.send(get("/webhook/" + id, CHAT_KEY)).body();
        assertThat(status).doesNotContain("slacksecret", "teamssecret", "T0CHAT");

        // a resend renders it again, to both
        HttpResponse<String> resent = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id + "/resend"))
                .header("Authorization", "Bearer " + CHAT_KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(202);
        assertThat(slack.awaitDeliveries(2, WAIT).get(1).body()).isEqualTo(toSlack.body());
        assertThat(Json.MAPPER.readTree(teams.awaitDeliveries(2, WAIT).get(1).body())).isEqualTo(teamsMessage);

        // the caller's endpoint list and the operators' view name the type, never the secret path
        String endpoints = app.send(get("/endpoints", CHAT_KEY)).body();
        assertThat(Json.MAPPER.readTree(endpoints).path("endpoints")).extracting(e -> e.path("type").asText())
                .containsExactlyInAnyOrder("slack", "teams");
        String admin = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers"))
                .header("Authorization", "Bearer admin-token-for-tests-0001").GET().build()).body();
        assertThat(admin).contains("\"type\":\"slack\"", "\"type\":\"teams\"");
        for (String shown : List.of(endpoints, admin)) {
            assertThat(shown).doesNotContain("slacksecret", "teamssecret", "T0CHAT", "workflows");
        }
    }

    @Test
    void slacksTooManyRequestsIsRetriedAfterItsRetryAfterThenDelivered() throws Exception {
        slack.respondWith(LocalReceiver.Response.status(429).retryAfter("1").withBody("rate_limited"));
        String id = EndpointTestSupport.post(app, CHAT_KEY, "Retry me on Slack");
        List<LocalReceiver.Delivery> arrived = slack.awaitDeliveries(2, WAIT);
        assertThat(arrived.get(1).body()).isEqualTo(arrived.get(0).body());
        await().atMost(WAIT).until(() -> "delivered".equals(EndpointTestSupport.delivery(app, CHAT_KEY, id, "chat/team-channel")
                .path("status").asText()));
        JsonNode attempts = EndpointTestSupport.delivery(app, CHAT_KEY, id, "chat/team-channel").path("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).path("http_status").asInt()).isEqualTo(429);
        assertThat(attempts.get(0).path("error").path("code").asText()).isEqualTo("slack_rate_limited");
        assertThat(attempts.get(0).path("response_excerpt").asText()).isEqualTo("rate_limited");
        // counted as a webhook's attempts are, by caller and endpoint
        assertThat(app.get(app.managementUrl("/observe/metrics")).body())
                .contains("gateway_delivery_attempts_total{caller=\"chat\",endpoint=\"team-channel\",outcome=\"rejected\",status_class=\"4xx\"}")
                .contains("gateway_delivery_attempts_total{caller=\"chat\",endpoint=\"team-channel\",outcome=\"delivered\",status_class=\"2xx\"}");
        assertThat(attempts.get(1).path("http_status").asInt()).isEqualTo(200);
    }

    @Test
    void channelNotFoundPausesTheEndpointAndParksTheDeliveryUntilItIsResumed() throws Exception {
        gone.respondWith(LocalReceiver.Response.status(404).withBody("channel_not_found"));
        String id = EndpointTestSupport.post(app, GONE_KEY, "Where did the channel go?");
        await().atMost(WAIT).until(() -> "parked".equals(EndpointTestSupport.delivery(app, GONE_KEY, id, "gone/archived")
                .path("status").asText()));
        assertThat(gone.receivedCount()).as("paused at once: not retried").isEqualTo(1);
        JsonNode endpoint = Json.MAPPER.readTree(app.send(get("/endpoints", GONE_KEY)).body())
                .path("endpoints").get(0);
        assertThat(endpoint.path("name").asText()).isEqualTo("archived");
        assertThat(endpoint.path("state").asText()).isEqualTo("paused");
        assertThat(endpoint.path("last_error").asText()).isEqualTo("slack_channel_not_found");
        assertThat(endpoint.path("reason").asText()).contains("slack_channel_not_found");
        // the caller's ops channel is told, as a short Teams notice
        JsonNode pausedNotice = Json.MAPPER.readTree(opsTeams.awaitDeliveries(1, WAIT).get(0).body());
        assertThat(AdaptiveCardRules.violations(pausedNotice)).isEmpty();
        assertThat(pausedNotice.toString()).contains("Endpoint paused", "Endpoint archived is paused");
        // Teams markdown: the code's underscores escaped so they read as text
        assertThat(pausedNotice.findValuesAsText("value")).contains("slack\\_channel\\_not\\_found");

        // its owner fixed the channel: resumed, the parked answer goes
        HttpResponse<String> resumed = app.send(post("/endpoints/archived/resume", GONE_KEY, null));
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> "delivered".equals(EndpointTestSupport.delivery(app, GONE_KEY, id, "gone/archived")
                .path("status").asText()));
        List<LocalReceiver.Delivery> arrived = gone.awaitDeliveries(2, WAIT);
        assertThat(BlockKitRules.violations(Json.MAPPER.readTree(arrived.get(1).body()))).isEmpty();
        assertThat(arrived.get(1).body()).contains("Where did the channel go?");
        JsonNode resumedNotice = Json.MAPPER.readTree(opsTeams.awaitDeliveries(2, WAIT).get(1).body());
        assertThat(AdaptiveCardRules.violations(resumedNotice)).isEmpty();
        assertThat(resumedNotice.toString()).contains("Endpoint resumed", "Endpoint archived is resuming");
    }

    @Test
    void invalidPayloadIsDeadLetteredAtOnceWithSlacksCode() throws Exception {
        bad.respondWith(LocalReceiver.Response.status(400).withBody("invalid_payload"));
        String id = EndpointTestSupport.post(app, BAD_KEY, "A message Slack refuses");
        await().atMost(WAIT).until(() -> "dead_lettered".equals(EndpointTestSupport.delivery(app, BAD_KEY, id, "bad/refuses")
                .path("status").asText()));
        assertThat(bad.receivedCount()).as("not retried").isEqualTo(1);
        JsonNode attempt = EndpointTestSupport.delivery(app, BAD_KEY, id, "bad/refuses").path("attempts").get(0);
        assertThat(attempt.path("http_status").asInt()).isEqualTo(400);
        assertThat(attempt.path("error").path("code").asText()).isEqualTo("slack_invalid_payload");
        List<Message> dead = app.drain(app.dlq("deliveries"));
        assertThat(dead).hasSize(1);
        String reason = dead.get(0).messageAttributes().get(DeadLetters.REASON).stringValue();
        assertThat(reason).contains("HTTP 400", "slack_invalid_payload").doesNotContain("slacksecret", "T0CHAT");
        JsonNode endpoint = Json.MAPPER.readTree(app.send(get("/endpoints", BAD_KEY)).body())
                .path("endpoints").get(0);
        assertThat(endpoint.path("state").asText()).as("our message was wrong, not the endpoint").isEqualTo("healthy");
    }

    @Test
    void aTeamsWorkflowGoneForGoodPausesItsEndpoint() throws Exception {
        teamsGone.respondWith(410);
        String id = EndpointTestSupport.post(app, TEAMS_GONE_KEY, "Is the workflow still there?");
        await().atMost(WAIT).until(() -> "parked".equals(EndpointTestSupport.delivery(app, TEAMS_GONE_KEY, id,
                "teamsgone/deleted-flow").path("status").asText()));
        JsonNode endpoint = Json.MAPPER.readTree(app.send(get("/endpoints", TEAMS_GONE_KEY)).body())
                .path("endpoints").get(0);
        assertThat(endpoint.path("state").asText()).isEqualTo("paused");
        assertThat(endpoint.path("last_error").asText()).isEqualTo("HTTP_410");
        assertThat(teamsGone.receivedCount()).isEqualTo(1);
    }

    @Test
    void theTestOfAChatEndpointSendsAShortRenderedMessage() throws Exception {
        JsonNode slackTest = ok(app.send(post("/endpoints/team-channel/test", CHAT_KEY, null)));
        assertThat(slackTest.path("delivered").asBoolean()).as(slackTest.toString()).isTrue();
        assertThat(slackTest.path("http_status").asInt()).isEqualTo(200);
        LocalReceiver.Delivery toSlack = slack.awaitDeliveries(1, WAIT).get(0);
        JsonNode slackMessage = Json.MAPPER.readTree(toSlack.body());
        assertThat(BlockKitRules.violations(slackMessage)).isEmpty();
        assertThat(slackMessage.path("text").asText()).startsWith("Test message");
        assertThat(toSlack.body()).contains("team-channel");
        assertThat(toSlack.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("webhook-"));

        JsonNode teamsTest = ok(app.send(post("/endpoints/sales-channel/test", CHAT_KEY, null)));
        assertThat(teamsTest.path("delivered").asBoolean()).isTrue();
        JsonNode teamsMessage = Json.MAPPER.readTree(teams.awaitDeliveries(1, WAIT).get(0).body());
        assertThat(AdaptiveCardRules.violations(teamsMessage)).isEmpty();
        assertThat(teamsMessage.toString()).contains("Test message", "sales-channel");

        // a refusal is named by Slack's code
        slack.respondWith(LocalReceiver.Response.status(403).withBody("invalid_token"));
        JsonNode refused = ok(app.send(post("/endpoints/team-channel/test", CHAT_KEY, null)));
        assertThat(refused.path("delivered").asBoolean()).isFalse();
        assertThat(refused.path("http_status").asInt()).isEqualTo(403);
        assertThat(refused.path("error").path("code").asText()).isEqualTo("slack_invalid_token");
        assertThat(refused.toString()).doesNotContain("slacksecret");
    }

    static HttpRequest get(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    static HttpRequest post(String path, String key, String ignored) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }
}
