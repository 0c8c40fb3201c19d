package routes;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzz beyond the body: hostile query strings and headers on every path of both ports (Camel's own header names as
 * query parameters and headers, malformed percent-encodings, NUL, huge and repeated values), each answered as its
 * OpenAPI document says ({@link GatewayTestApp#send} checks every answer), never with a 5xx, a page or a stack trace.
 */
class HttpEdgeFuzzTest {

    static final String KEY = "fuzz-key-0001-aaaaaaaaaaaa";
    static final String ADMIN = "fuzz-admin-0123456789abcdef0123456789";
    static final String ID = "3f0c9a52-8d0e-4c8e-9a47-1d2b3c4d5e6f";

    static GatewayTestApp app;

    // (no connection-specific header such as Transfer-Encoding: over h2c, which the test client speaks, the server's
    // HTTP/2 layer resets such a stream, as the protocol says; HTTP/1.1 framing has its raw-socket cases in IntakeSecurityTest)
    static final String[] NAMES = {"CamelHttpMethod", "CamelHttpUri", "CamelHttpPath", "CamelHttpQuery", "CamelHttpResponseCode",
            "camelhttpuri", "CamelBeanMethodName", "CamelSqsMessageId", "CamelAwsSqsMessageGroupId", "Content-Type",
            "Content-Length", "Idempotency-Key", "Origin", "tracking_id", "caller", "max", "message_id", "X-Forwarded-For",
            "Host", "webhook-id", "a", "a[]", "%00", "%zz", "%", "", "=", "a%20b", "\u00e9"};
    static final String[] VALUES = {"DELETE", "http://169.254.169.254/latest/meta-data/", "/admin", "999", "-1", "1e999",
            "%00", "%zz", "%", "", "a%0d%0aX-Injected:%201", "../../etc/passwd", "${sys:user.home}", "{{env:HOME}}",
            "#{7*7}", "'; DROP TABLE x; --", "caf%C3%A9", "%C0%AE%C0%AE", "x".repeat(3000), "\u00ff"};
    static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8; x=\"y", "multipart/form-data; boundary=",
            "application/x-www-form-urlencoded", "*/*", ";;", "application/json; charset=\u00e9"};

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "fuzz:" + KEY, "gateway.admin.token", ADMIN,
                "gateway.rate-limit.per-minute", "6000000", "gateway.rate-limit.burst", "100000",
                "gateway.rate-limit.status-per-minute", "6000000", "gateway.rate-limit.status-burst", "100000",
                "gateway.admin.rate-limit.per-minute", "6000000", "gateway.admin.rate-limit.burst", "100000",
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void hostileQueriesAndHeadersOnEveryPathNeverGetA5xx() throws Exception {
        Random random = new Random(20261205L);
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> paths = List.of("/webhook", "/webhook/" + ID, "/webhook/" + ID + "/resend", "/openapi.json",
                "/webhook/not-a-uuid", "/webhook/" + ID + "/events");
        List<String> managementPaths = List.of("/admin/dlq/requests", "/admin/dlq/deliveries/redrive", "/admin/callers", "/admin/overview",
                "/observe/health", "/observe/health/ready", "/observe/metrics", "/openapi.json", "/admin/dlq/nope");
        int sent = 0;
        for (int i = 0; i < 700; i++) {
            boolean management = random.nextInt(4) == 0;
            String path = management ? managementPaths.get(random.nextInt(managementPaths.size()))
                    : paths.get(random.nextInt(paths.size()));
            String method = path.endsWith("/resend") || path.endsWith("/redrive") || path.equals("/webhook")
                    ? (random.nextInt(5) == 0 ? "DELETE" : "POST") : (random.nextInt(5) == 0 ? "DELETE" : "GET");
            String query = query(random);
            URI uri;
            try {
                uri = URI.create((management ? app.managementUrl(path) : app.url(path)) + "?" + query);
            } catch (IllegalArgumentException e) {
                uri = URI.create((management ? app.managementUrl(path) : app.url(path)) + "?" + query.replace("%", "%25")
                        .replaceAll("[^A-Za-z0-9%=&._~-]", "_"));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString(WebhookIntakeRouteTest.VALID) : HttpRequest.BodyPublishers.noBody());
            request.header("Content-Type", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
            if (random.nextBoolean()) {
                request.header(management ? "Authorization" : "X-API-Key", management ? "Bearer " + ADMIN : KEY);
            }
            int headers = random.nextInt(4);
            for (int h = 0; h < headers; h++) {
                String name = NAMES[random.nextInt(NAMES.length)];
                String value = VALUES[random.nextInt(VALUES.length)];
                try {
                    request.header(name, value);
                } catch (IllegalArgumentException restricted) {
                    // a name or value java.net.http will not send (Host, Content-Length, an empty name): skip it
                }
            }
            HttpRequest built = request.build();
            HttpResponse<String> response;
            try {
                response = app.send(built); // checked against the port's OpenAPI document
            } catch (java.io.IOException e) {
                throw new AssertionError(method + " " + uri + " " + built.headers().map(), e);
            }
            sent++;
            statuses.merge(method + " " + response.statusCode(), 1, Integer::sum);
            assertThat(response.statusCode()).as(method + " " + uri).isLessThan(500);
            assertThat(response.body()).as(method + " " + uri).doesNotContain("\tat ").doesNotContain("java.lang.");
            if (!path.equals("/openapi.json")) { // the documents name exceptions in their examples
                assertThat(response.body()).as(method + " " + uri).doesNotContain("Exception");
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.isEmpty() && !type.startsWith("text/plain")) { // metrics are text
                JsonNode body = Json.MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
                assertThat(body.isObject()).as(method + " " + uri).isTrue();
            }
        }
        System.out.println("edge fuzz: " + sent + " requests, " + statuses);
        assertThat(app.drain(app.property("gateway.queue.requests")))
                .as("what was queued came with the key and a valid body: never a Camel header's doing")
                .allSatisfy(m -> assertThat(m.messageAttributes().get("caller").stringValue()).isEqualTo("fuzz"));
    }

    static String query(Random random) {
        List<String> pairs = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String value = VALUES[random.nextInt(VALUES.length)];
            pairs.add(random.nextInt(6) == 0 ? name : name + "=" + value);
        }
        return String.join(random.nextBoolean() ? "&" : ";", pairs);
    }
}
