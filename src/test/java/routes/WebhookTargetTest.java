package routes;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook goes to the receiver's URL as configured, its own query string included byte for byte, and a
 * parameter of that query is the receiver's, never an option of the http endpoint the route sends with.
 */
class WebhookTargetTest {

    static HttpServer receiver;
    static final List<URI> requests = new CopyOnWriteArrayList<>();
    static final AtomicInteger status = new AtomicInteger(200);
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requests.add(exchange.getRequestURI());
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/hooks/in?token=a%2Bb%3D&throwExceptionOnFailure=false";
        app = GatewayTestApp.start(Map.of("gateway.webhook.url", url, "gateway.delivery.schedule", ""));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        receiver.stop(0);
    }

    @Test
    void theTargetKeepsItsQueryAndTheRouteKeepsItsOptions() throws Exception {
        post("Where does this go?");
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() == 1);
        assertThat(requests.get(0).getRawPath()).isEqualTo("/hooks/in");
        assertThat(requests.get(0).getRawQuery()).isEqualTo("token=a%2Bb%3D&throwExceptionOnFailure=false");

        // the receiver's throwExceptionOnFailure=false is its own parameter: a 400 still fails the delivery
        String deliveries = app.property("gateway.queue.deliveries");
        status.set(400);
        post("Refused");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getRawQuery()).isEqualTo("token=a%2Bb%3D&throwExceptionOnFailure=false");
    }

    @Test
    void anHttpsReceiverGetsTheSameClientRulesAsAnHttpOne() {
        // toD picks the component of the URL's scheme: https is a component of its own, configured alike
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = app.context().getComponent(scheme, HttpComponent.class);
            assertThat(http.isAutomaticRetriesDisabled()).as(scheme).isTrue();
            assertThat(http.isRedirectHandlingDisabled()).as(scheme).isTrue();
            assertThat(http.isFollowRedirects()).as(scheme).isFalse();
            assertThat(http.getResponseTimeout()).as(scheme).isEqualTo(Duration.ofSeconds(30).toMillis());
        }
    }

    private static void post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "target"));
        assertThat(app.postJson("/webhook", body).statusCode()).isEqualTo(202);
    }
}
