package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /admin/dlq/{queue}/redrive} with several {@code message_id}s: the chosen dead letters go back and are
 * delivered, the others stay on the DLQ, an id that is not there is reported in {@code not_found} (not an error).
 */
class DeadLetterRedriveChosenTest {

    static final String ADMIN_TOKEN = "redrive-admin-token-0123456789";

    static ReceiverAndApp flow;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.admin.token", ADMIN_TOKEN));
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void twoChosenOfThreeDeadLettersAreRedrivenAndTheThirdStays() throws Exception {
        ScriptedReceiver receiver = flow.receiver();
        receiver.respondWith(422, 422, 422);
        for (int i = 0; i < 3; i++) {
            post("Refused, then wanted " + i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> app.depth(app.dlq("deliveries")) == 3);

        HttpResponse<String> listed = app.send(admin("/admin/dlq/deliveries").GET().build());
        assertThat(listed.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Json.MAPPER.readTree(listed.body()).get("messages").forEach(m -> ids.add(m.get("message_id").asText()));
        assertThat(ids).hasSize(3);

        HttpResponse<String> redriven = app.send(admin("/admin/dlq/deliveries/redrive?message_id=" + ids.get(0)
                + "&message_id=" + ids.get(2) + "&message_id=no-such-dead-letter")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(redriven.statusCode()).as(redriven.body()).isEqualTo(200);
        JsonNode result = Json.MAPPER.readTree(redriven.body());
        assertThat(result.get("redriven").asInt()).isEqualTo(2);
        assertThat(result.get("message_ids")).extracting(JsonNode::asText).containsExactlyInAnyOrder(ids.get(0), ids.get(2));
        assertThat(result.get("not_found")).extracting(JsonNode::asText).containsExactly("no-such-dead-letter");

        // the receiver takes them now: the two chosen are delivered, the third is still a dead letter
        receiver.awaitDeliveries(5, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60)).until(() -> app.depth(app.property("gateway.queue.deliveries")) == 0);
        JsonNode left = Json.MAPPER.readTree(app.send(admin("/admin/dlq/deliveries").GET().build()).body());
        assertThat(left.get("messages")).extracting(m -> m.get("message_id").asText()).containsExactly(ids.get(1));

        // without ids, as before: all of them
        HttpResponse<String> all = app.send(admin("/admin/dlq/deliveries/redrive").POST(HttpRequest.BodyPublishers.noBody()).build());
        JsonNode rest = Json.MAPPER.readTree(all.body());
        assertThat(rest.get("message_ids")).extracting(JsonNode::asText).containsExactly(ids.get(1));
        assertThat(rest.get("not_found")).isEmpty();
        receiver.awaitDeliveries(6, Duration.ofSeconds(60));
    }

    static HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(app.managementUrl(path)).header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    static void post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "redrive"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
    }
}
