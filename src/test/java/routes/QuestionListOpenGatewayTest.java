package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.security.RequestAuthenticator;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /webhook} on a gateway without keys (the local profile's default): its one caller lists every question, within
 * the status lookups' budget (2 here, per client IP when open: then 429).
 */
class QuestionListOpenGatewayTest {

    @Test
    void theOneCallerOfAnOpenGatewayListsItsQuestions() throws Exception {
        try (ReceiverAndApp flow = ReceiverAndApp.start(Map.of("gateway.rate-limit.status-per-minute", "1",
                "gateway.rate-limit.status-burst", "2"))) {
            GatewayTestApp app = flow.app();
            assertThat(app.bean("requestAuthenticator", RequestAuthenticator.class).enforced()).as("open").isFalse();
            String first = ask(app, "The first question");
            String second = ask(app, "The second question");
            TrackingRouteTestSupport.awaitStatus(app, first, "delivered");
            TrackingRouteTestSupport.awaitStatus(app, second, "delivered");

            HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook?outcome=answered")).GET().build());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = Json.MAPPER.readTree(response.body());
            assertThat(QuestionListRouteTest.ids(page)).isEqualTo(List.of(second, first));
            assertThat(page.path("questions").get(0).path("question").asText()).isEqualTo("The second question");
            assertThat(page.get("next_cursor").isNull()).isTrue();

            // the lookup budget is the status lookup's: the second list spends the burst, the third is refused
            assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook")).GET().build()).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = app.send(HttpRequest.newBuilder(app.url("/webhook")).GET().build());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(app.send(HttpRequest.newBuilder(app.url("/webhook/" + first)).GET().build()).statusCode())
                    .as("one budget for both").isEqualTo(429);
        }
    }

    static String ask(GatewayTestApp app, String query) throws Exception {
        return CallersDeliveryTest.accepted(app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question(query)))).build()));
    }
}
