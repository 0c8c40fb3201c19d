package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refusals of the question's other operations and of the operators' redrive that no other test meets, on the real app
 * (each answer is held to the OpenAPI documents by {@link GatewayTestApp#send}): a resend without a key is 401; a caller
 * whose rate limit is spent gets 429 with {@code Retry-After} from the cancel and the resend as from the POST; a redrive
 * without the admin token is 401, of an unknown queue 404; and the health of every check is served.
 */
class CallerEdgesTest {

    static final String KEY = "edge-key-0123456789";
    static final String ADMIN = "edge-admin-0123456789abcdef";

    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        // one request a minute, no burst beyond it: the second request of the test is over the limit
        app = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "edge:" + KEY, "gateway.admin.token", ADMIN,
                "gateway.rate-limit.per-minute", "1", "gateway.rate-limit.burst", "1"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aResendWithoutAKeyIs401() throws Exception {
        HttpResponse<String> refused = app.send(HttpRequest.newBuilder(app.url("/webhook/" + UUID.randomUUID() + "/resend"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void theTrackingIdIsTheOneInThePathNeverAHeaderOrQueryOfThatName() throws Exception {
        String other = UUID.randomUUID().toString();
        HttpResponse<String> byQuery = app.send(keyed(HttpRequest.newBuilder(app.url("/webhook/not-a-uuid?tracking_id=" + other)).GET()));
        HttpResponse<String> byHeader = app.send(keyed(HttpRequest.newBuilder(app.url("/webhook/not-a-uuid"))
                .header("tracking_id", other).GET()));
        for (HttpResponse<String> response : List.of(byQuery, byHeader)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).isEqualTo("Invalid tracking id: expected a UUID");
        }
    }

    @Test
    void aCallerOverItsRateLimitIsToldWhenToComeBackByTheCancelAndTheResend() throws Exception {
        String id = UUID.randomUUID().toString();
        // the one request the bucket holds: an unknown id
        assertThat(app.send(keyed(HttpRequest.newBuilder(app.url("/webhook/" + id)).DELETE())).statusCode()).isEqualTo(404);
        for (HttpRequest over : new HttpRequest[] {keyed(HttpRequest.newBuilder(app.url("/webhook/" + id)).DELETE()),
                keyed(HttpRequest.newBuilder(app.url("/webhook/" + id + "/resend")).POST(HttpRequest.BodyPublishers.noBody()))}) {
            HttpResponse<String> limited = app.send(over);
            assertThat(limited.statusCode()).as(over.method() + " " + over.uri()).isEqualTo(429);
            assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
            assertThat(Json.MAPPER.readTree(limited.body()).path("error").asText()).startsWith("Rate limit exceeded");
        }
    }

    @Test
    void aRedriveNeedsTheAdminTokenAndAKnownQueue() throws Exception {
        HttpResponse<String> noToken = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests/redrive"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/answers/redrive"))
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown queue: use requests or deliveries");
    }

    @Test
    void theHealthOfEveryCheckIsServed() throws Exception {
        HttpResponse<String> health = app.get(app.managementUrl("/observe/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(health.body()).path("status").asText()).isEqualTo("UP");
    }

    private static HttpRequest keyed(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + KEY).build();
    }
}
