package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import gateway.callers.Caller;
import gateway.callers.CallerWebhook;
import gateway.callers.CallersFile;
import gateway.callers.EndpointType;
import gateway.json.Json;
import gateway.local.LocalReceiver.Delivery;
import gateway.local.LocalReceiver.Kind;
import gateway.security.ApiKeys;
import gateway.testing.GatewayTestApp;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/**
 * The sample callers file the README points a newcomer at ({@code src/local/sample-callers.yaml}): it parses under the
 * local profile's rules, and with it one question reaches a local receiver three ways (a signed webhook, a Slack
 * message, a Teams card), each read on the receiver's page. The file names the local receiver's port 9877; here it is
 * pointed at a receiver on a free port, nothing else changed.
 */
class SampleCallersFileTest {

    static final Path SAMPLE = Path.of("src/local/sample-callers.yaml");
    static final Pattern KEY = Pattern.compile("api_keys: \\[\"([^\"]+)\"]");
    static final Pattern SECRET = Pattern.compile("signing_secrets: \\[\"([^\"]+)\"]");

    @Test
    void itParsesUnderTheLocalProfilesRulesWithOneEndpointOfEachKind() throws Exception {
        List<Caller> callers = CallersFile.parse(Files.readString(SAMPLE), new CallersFile.Rules(true, ApiKeys.none(), null, true));
        assertThat(callers).extracting(Caller::name).containsExactly("sample");
        assertThat(callers.get(0).webhooks()).extracting(CallerWebhook::name, CallerWebhook::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("receiver", EndpointType.WEBHOOK),
                org.assertj.core.groups.Tuple.tuple("slack-sample", EndpointType.SLACK),
                org.assertj.core.groups.Tuple.tuple("teams-sample", EndpointType.TEAMS));
    }

    @Test
    void oneQuestionArrivesAsAWebhookASlackMessageAndATeamsCardReadOnTheReceiversPage() throws Exception {
        String yaml = Files.readString(SAMPLE);
        String key = group(KEY, yaml);
        String secret = group(SECRET, yaml);
        Vertx vertx = Vertx.vertx();
        LocalReceiver receiver = new LocalReceiver(vertx, 0, secret, 20).start();
        Path file = Files.createTempFile("sample-callers", ".yaml");
        try {
            Files.writeString(file, yaml.replace("localhost:9877", "localhost:" + receiver.port()));
            try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString(),
                    "gateway.chat.allow-any-host", "true", "gateway.webhook.allow-private-targets", "true"))) {
                String question = "Which deals close this quarter? <!channel> & co";
                int status = app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", question)
                                .put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "crm").put("source_process", "review"))))
                        .build()).statusCode();
                assertThat(status).isEqualTo(202);
                List<Delivery> all = await().atMost(Duration.ofSeconds(30)).until(receiver::deliveries, d -> d.size() >= 3);
                assertThat(all).extracting(Delivery::kind).containsExactlyInAnyOrder(Kind.WEBHOOK, Kind.SLACK, Kind.TEAMS);
                Delivery webhook = all.stream().filter(d -> d.kind() == Kind.WEBHOOK).findFirst().orElseThrow();
                assertThat(webhook.signatureValid()).as("signed with the sample caller's secret").isTrue();
                for (Delivery chat : all.stream().filter(d -> d.kind().chat()).toList()) {
                    assertThat(chat.preview().plainText()).as(chat.kind().name()).contains("Which deals close this quarter?");
                    assertThat(chat.preview().blocks()).as("a mention stays text").isNotEmpty();
                }
                String page = receiver.html();
                assertThat(page).contains("Which deals close this quarter?").doesNotContain("<!channel>");
            }
        } finally {
            Files.deleteIfExists(file);
            receiver.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern.pattern()).isTrue();
        return matcher.group(1);
    }
}
