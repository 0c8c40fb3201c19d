package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-caller rate limit on the real application, with a tiny bucket and a refill slow enough (a token
 * every 5 s) that the three requests meant to empty it are sure to come within one refill, however busy
 * the machine.
 */
class RateLimitRouteTest {

    static final String CRM_KEY = "crm-rate-0123456789abcdef";
    static final String ZAPIER_KEY = "zap-rate-0123456789abcdef";
    static final String ADMIN_TOKEN = "admin-rate-0123456789abcdef-0123456789";

    static GatewayTestApp app;
    static String requests;

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of(
                "gateway.api-keys.secret", "crm:" + CRM_KEY + ",zapier:" + ZAPIER_KEY,
                "gateway.rate-limit.per-minute", "12", // a token every 5 s
                "gateway.rate-limit.burst", "2",
                "gateway.rate-limit.status-per-minute", "1", // a token a minute: the bucket stays empty in the test
                "gateway.rate-limit.status-burst", "3",
                "gateway.admin.token", ADMIN_TOKEN,
                "gateway.admin.rate-limit.per-minute", "1",
                "gateway.admin.rate-limit.burst", "3",
                "gateway.agent.stage-enabled", "false"));
        requests = app.property("gateway.queue.requests");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    HttpResponse<String> post(String key) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("X-API-Key", key).POST(HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID)).build());
    }

    HttpResponse<String> lookup(String key) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook/3f0c9a52-8d0e-4c8e-9a47-1d2b3c4d5e6f"))
                .header("X-API-Key", key).GET().build());
    }

    @Test
    void statusLookupsHaveABudgetOfTheirOwn() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(lookup(ZAPIER_KEY).statusCode()).as("lookup %d: an unknown id", i + 1).isEqualTo(404);
        }
        HttpResponse<String> limited = lookup(ZAPIER_KEY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(lookup(CRM_KEY).statusCode()).as("another caller has its own lookup budget").isEqualTo(404);
        assertThat(lookup("wrong-key-0123456789").statusCode()).as("authentication comes first").isEqualTo(401);
    }

    @Test
    void adminCallsAreThrottledPerClientWrongTokensIncluded() throws Exception {
        int[] statuses = new int[5];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/callers"))
                    .header("Authorization", "Bearer " + (i == 0 ? ADMIN_TOKEN : "a-guess-" + i)).GET().build()).statusCode();
        }
        assertThat(statuses).containsExactly(200, 401, 401, 429, 429);
        HttpResponse<String> right = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
        assertThat(right.statusCode()).as("even the right token waits its turn").isEqualTo(429);
        assertThat(right.headers().firstValue("Retry-After")).isPresent();
        assertThat(app.get(app.managementUrl("/observe/health")).statusCode()).as("health is not throttled").isEqualTo(200);
    }

    @Test
    void aCallerOverItsBucketGets429WithRetryAfterAndRecovers() throws Exception {
        assertThat(post(CRM_KEY).statusCode()).isEqualTo(202);
        assertThat(post(CRM_KEY).statusCode()).isEqualTo(202);
        HttpResponse<String> limited = post(CRM_KEY);
        // the wait left until the next token, in whole seconds (up to 5: how long the first two took varies)
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 5L);
        WebhookIntakeRouteTest.assertErrorBody(limited, 429, "Rate limit exceeded: retry after " + retryAfter + " s");

        assertThat(post(ZAPIER_KEY).statusCode()).as("another caller has its own bucket").isEqualTo(202);
        assertThat(post("wrong-key-0123456789").statusCode()).as("authentication comes first").isEqualTo(401);
        assertThat(app.drain(requests)).hasSize(3);

        // waiting what Retry-After said is enough (a busy machine can only make the wait longer)
        Thread.sleep(1000 * retryAfter);
        assertThat(post(CRM_KEY).statusCode()).as("recovered after Retry-After").isEqualTo(202);
        assertThat(app.drain(requests)).hasSize(1);
    }
}
