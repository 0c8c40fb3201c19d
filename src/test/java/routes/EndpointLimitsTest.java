package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import gateway.endpoints.DeliveryLane;
import gateway.endpoints.EndpointControl;
import gateway.endpoints.EndpointHealth;
import gateway.endpoints.EndpointRef;
import gateway.local.LocalReceiver;
import gateway.sqs.DeadLetters;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint's limits: its {@code max_per_second} (deliveries to it are spread out, never bunched: the rate can only be
 * lower on a busy machine, so the check is a lower bound on the time they take), and {@code PARKED_RETENTION} (a delivery
 * parked longer is dead-lettered with the reason, its record says so, and a copy is kept for a recover).
 */
class EndpointLimitsTest {

    static final String KEY = "acme-key-0001-aaaaaaaaaaaa";
    static final String SECRET = CallersDeliveryTest.secret(11);
    static final int MAX_PER_SECOND = 2;

    static ScriptedReceiver slow;
    static ScriptedReceiver held;
    static GatewayTestApp app;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        slow = ScriptedReceiver.startOnRandomPort(SECRET);
        held = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: slow
                  url: %sslow
                  max_per_second: %d
                - name: held
                  url: %sheld
                  events: [query.failed]
                """.formatted(slow.url(), MAX_PER_SECOND, held.url()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", callersFile.toString(),
                "gateway.endpoints.parked-retention", "2s", "gateway.endpoints.check-seconds", "1",
                "gateway.endpoints.health-cache-seconds", "1", "gateway.delivery.consumers", "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        slow.close();
        held.close();
        Files.deleteIfExists(callersFile);
    }

    @Test
    void maxPerSecondSpreadsTheDeliveriesOut() throws Exception {
        int n = 8;
        for (int i = 0; i < n; i++) {
            post("Throttled " + i);
        }
        List<LocalReceiver.Delivery> arrived = slow.awaitDeliveries(n, Duration.ofSeconds(60));
        Duration spread = Duration.between(arrived.get(0).receivedAt(), arrived.get(n - 1).receivedAt());
        // n deliveries at MAX_PER_SECOND take at least (n / MAX_PER_SECOND - 1) seconds, however fast the machine
        assertThat(spread).as("%d deliveries at %d a second", n, MAX_PER_SECOND)
                .isGreaterThanOrEqualTo(Duration.ofMillis((n / MAX_PER_SECOND - 1) * 1000L - 50));
        assertThat(arrived).allMatch(d -> Boolean.TRUE.equals(d.signatureValid()));
    }

    @Test
    void aDeliveryParkedLongerThanTheRetentionIsDeadLetteredWithItsReasonAndKept() throws Exception {
        EndpointRef endpoint = new EndpointRef("acme", "held");
        app.bean("endpointControl", EndpointControl.class).pause(endpoint, EndpointHealth.BY_OPERATOR);
        String id = post("[emulator:validation] parked, then kept too long");
        await().atMost(Duration.ofSeconds(30)).until(() -> "parked".equals(status(id)));
        await().atMost(Duration.ofSeconds(30)).until(() -> "dead_lettered".equals(status(id)));

        assertThat(held.receivedCount()).as("paused by hand: no attempt, no probe").isZero();
        List<Message> dead = app.drain(app.dlq("deliveries"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageAttributes().get(DeadLetters.REASON).stringValue())
                .contains("parked longer than PARKED_RETENTION (2 s)");
        assertThat(app.bean("parkedLane", DeliveryLane.class).list(endpoint, null, 10)).isEmpty();
        assertThat(app.bean("undeliveredLane", DeliveryLane.class).list(endpoint, null, 10)).as("the copy for a recover")
                .hasSize(1);
    }

    static String post(String query) throws Exception {
        return EndpointTestSupport.post(app, KEY, query);
    }

    static String status(String id) {
        return EndpointTestSupport.delivery(app, KEY, id, "acme/held").path("status").asText();
    }
}
