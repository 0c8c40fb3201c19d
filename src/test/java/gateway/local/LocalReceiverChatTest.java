package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.chat.ChatDelivery;
import gateway.chat.ChatMarkdown;
import gateway.chat.SlackMessage;
import gateway.chat.TeamsCard;
import gateway.delivery.WebhookSigner;
import gateway.local.LocalReceiver.Delivery;
import gateway.local.LocalReceiver.Kind;
import gateway.local.LocalReceiver.Response;
import gateway.testing.ScriptedReceiver;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local receiver as a Slack incoming webhook ({@code /slack/…}) and a Teams workflow ({@code /teams/…}): it answers
 * as they do, and its page shows each message as it would read, beside the webhook deliveries it shows as before.
 */
class LocalReceiverChatTest {

    private static final String SECRET = WebhookSigner.generateSecret();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Vertx vertx;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final ChatMarkdown markdown = new ChatMarkdown();
    private LocalReceiver receiver;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void closeReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static final ChatDelivery DELIVERY = new ChatDelivery(
            "<!channel> which deals & <script>alert('x')</script>?", """
            # Deals

            Three deals, **$1.2M** in total. See [the pipeline](https://crm.example/p?a=1&b=2).

            | Deal | Amount |
            |---|---|
            | Acme | 500 |

            ```
            if (a < b) go();
            ```
            """, "trk-42", "crm", "weekly", ChatDelivery.Status.ANSWERED, null);

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(receiver.url().replaceAll("/$", "") + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(receiver.url().replaceAll("/$", "") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void takesSlackAndTeamsMessagesAsTheyDoAndShowsThemAsTheyRead() throws Exception {
        receiver = new LocalReceiver(vertx, 0, SECRET, 10).start();
        String webhookBody = "{\"type\":\"query.answered\",\"status\":\"answered\",\"tracking_id\":\"t-1\","
                + "\"original_query\":\"q\",\"ai_response\":{\"response_plain\":\"plain answer\"}}";
        Map<String, String> signed = new HashMap<>(new WebhookSigner(SECRET).headers("msg_t-1", Instant.now().getEpochSecond(), webhookBody));
        signed.put("X-Tracking-ID", "t-1");

        HttpResponse<String> slack = post("/slack/T000/B000/sample", new SlackMessage(mapper, markdown).render(DELIVERY), Map.of());
        HttpResponse<String> teams = post("/teams/workflows/sample", new TeamsCard(mapper, markdown).render(DELIVERY), Map.of());
        HttpResponse<String> webhook = post("/webhook", webhookBody, signed);

        // Slack: 200 "ok"; a Power Automate workflow: 202 Accepted, no body; a webhook: as before
        assertThat(slack.statusCode()).isEqualTo(200);
        assertThat(slack.body()).isEqualTo("ok");
        assertThat(teams.statusCode()).isEqualTo(202);
        assertThat(teams.body()).isEmpty();
        assertThat(webhook.statusCode()).isEqualTo(200);
        assertThat(webhook.body()).isEqualTo("{\"received\":true}");
        List<Delivery> deliveries = receiver.deliveries();
        assertThat(deliveries).extracting(Delivery::kind).containsExactly(Kind.SLACK, Kind.TEAMS, Kind.WEBHOOK);
        // the chat services get no signature: none is checked (null), the webhook's is
        assertThat(deliveries).extracting(Delivery::signatureValid).containsExactly(null, null, true);
        assertThat(deliveries).extracting(Delivery::respondedStatus).containsExactly(200, 202, 200);
        // a chat message's tracking id is the one it names (its context line, its facts)
        assertThat(deliveries).extracting(Delivery::trackingId).containsExactly("trk-42", "trk-42", "t-1");

        HttpResponse<String> page = get("/");
        String html = page.body();
        assertThat(html).contains("3 kept (of 3 received)", "<h2>Slack message &middot; trk-42</h2>", "<h2>Teams message &middot; trk-42</h2>",
                "answered 200", "answered 202");
        String slackPart = html.substring(html.indexOf("<h2>Slack message &middot; trk-42</h2>"));
        String teamsPart = html.substring(html.indexOf("<h2>Teams message &middot; trk-42</h2>"), html.indexOf("<h2>Slack message &middot; trk-42</h2>"));
        for (String part : List.of(slackPart, teamsPart)) {
            assertThat(part).contains(
                    "Question answered",
                    "&lt;!channel&gt; which deals &amp; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?",
                    "<b>Deals</b>",
                    "Three deals, <b>$1.2M</b> in total. See <a href=\"https://crm.example/p?a=1&amp;b=2\" "
                            + "rel=\"noopener noreferrer nofollow\">the pipeline</a>.",
                    "Notification text: Question answered: &lt;!channel&gt; which deals &amp; &lt;script&gt;");
        }
        assertThat(slackPart).contains("<pre>Deal | Amount\n-----+-------\nAcme | 500</pre>", "<pre>if (a &lt; b) go();</pre>",
                "Tracking id: <code>trk-42</code>", "Source: crm / weekly");
        assertThat(teamsPart).contains("<pre>Deal | Amount\n-----+-------\nAcme | 500</pre>", "<pre>if (a &lt; b) go();</pre>",
                "<tr><th>Tracking id</th><td>trk-42</td></tr>", "<tr><th>Source</th><td>crm / weekly</td></tr>");
        assertThat(html).doesNotContain("<script>", "<!channel>");
        // the webhook delivery reads as before
        String webhookPart = html.substring(html.indexOf("<h2>answered &middot; t-1</h2>"), html.indexOf("<h2>Teams message &middot; trk-42</h2>"));
        assertThat(webhookPart).contains("signature valid", "<h3>Answer</h3><pre>plain answer</pre>");

        JsonNode json = mapper.readTree(get("/deliveries").body());
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("path").asText()).isEqualTo("/slack/T000/B000/sample");
        assertThat(json.get(1).get("tracking_id").asText()).isEqualTo("trk-42");
        assertThat(json.get(0).at("/payload/blocks/0/type").asText()).isEqualTo("header");
        assertThat(json.get(1).at("/payload/attachments/0/contentType").asText()).isEqualTo(TeamsCard.CONTENT_TYPE);
    }

    @Test
    void refusesWhatSlackAndTeamsRefuse() throws Exception {
        receiver = new LocalReceiver(vertx, 0, null, 10).start();

        HttpResponse<String> notJson = post("/slack/T000/B000/x", "not json", Map.of());
        HttpResponse<String> noText = post("/slack/T000/B000/x", "{\"blocks\":[]}", Map.of());
        HttpResponse<String> teamsNotJson = post("/teams/workflows/x", "[]", Map.of());

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).isEqualTo("invalid_payload");
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(noText.body()).isEqualTo("no_text");
        assertThat(teamsNotJson.statusCode()).isEqualTo(400);
        assertThat(receiver.deliveries()).extracting(Delivery::trackingId).containsOnlyNulls();
        assertThat(get("/").body()).contains("Not a Slack message: the body is not a JSON object",
                "No text and no blocks", "Not a Teams message: the body is not a JSON object");
    }

    @Test
    void aScriptedReceiverAnswersChatMessagesAsScriptedWithSlacksErrorNames() throws Exception {
        ScriptedReceiver scripted = new ScriptedReceiver(vertx, 0, null, 10).withoutContractCheck().start();
        receiver = scripted;
        scripted.respondWith(Response.status(404).withBody("channel_not_found"), Response.status(429).retryAfter("3"));
        String message = new SlackMessage(mapper, markdown).render(DELIVERY);

        HttpResponse<String> gone = post("/slack/T000/B000/x", message, Map.of());
        HttpResponse<String> busy = post("/slack/T000/B000/x", message, Map.of());
        HttpResponse<String> fine = post("/slack/T000/B000/x", message, Map.of());
        HttpResponse<String> teams = post("/teams/workflows/x", new TeamsCard(mapper, markdown).render(DELIVERY), Map.of());

        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo("channel_not_found");
        assertThat(busy.statusCode()).isEqualTo(429);
        assertThat(busy.headers().firstValue("Retry-After")).contains("3");
        assertThat(busy.body()).isEmpty();
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(fine.body()).isEqualTo("ok");
        // the script's default (200) is what a legacy Teams connector answered; the body stays empty, as Teams' is
        assertThat(teams.statusCode()).isEqualTo(200);
        assertThat(teams.body()).isEmpty();
        assertThat(scripted.awaitDeliveries(4, WAIT)).extracting(Delivery::respondedStatus).containsExactly(404, 429, 200, 200);
    }
}
