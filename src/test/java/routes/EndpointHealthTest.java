package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.endpoints.EndpointHealthStore;
import gateway.endpoints.EndpointRef;
import gateway.endpoints.EndpointState;
import gateway.local.LocalReceiver;
import gateway.metrics.FlowMetrics;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A receiver that stays down pauses its endpoint, loses nothing and costs little: with short settings (3 failures, a
 * probe after 1 s doubling to 2 s, a check every second), 50 answers to a dead endpoint make at most the pause threshold
 * plus the attempts already under way when it paused plus the probes in attempts at that receiver, while the caller's other endpoint
 * gets every answer at once and is told (signed {@code endpoint.paused}); when the receiver is back a probe resumes it
 * and all 50 arrive, in the order their answers were made, each with its own webhook-id; nothing is dead-lettered. A
 * {@code 410 Gone} pauses at once. Every receiver checks the signatures with its caller's secret.
 */
class EndpointHealthTest {

    static final String KEY = "crm-key-0001-aaaaaaaaaaaa";
    static final String SECRET = CallersDeliveryTest.secret(7);
    static final int PAUSE_FAILURES = 3;
    static final int CONSUMERS = 2;

    static ScriptedReceiver crm;
    static ScriptedReceiver ops;
    static ScriptedReceiver gone;
    static GatewayTestApp app;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        crm = ScriptedReceiver.startOnRandomPort(SECRET);
        ops = ScriptedReceiver.startOnRandomPort(SECRET);
        gone = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: crm
                  url: %scrm
                  events: [query.answered]
                - name: ops
                  url: %sops
                  events: [query.answered, endpoint.paused, endpoint.resumed]
                - name: gone
                  url: %sgone
                  events: [query.failed]
                """.formatted(crm.url(), ops.url(), gone.url()));
        Map<String, String> settings = new HashMap<>(Map.of(
                "gateway.callers.file", callersFile.toString(),
                "gateway.delivery.consumers", Integer.toString(CONSUMERS),
                "gateway.endpoints.pause-failures", Integer.toString(PAUSE_FAILURES),
                "gateway.endpoints.pause-after", "0s",
                "gateway.endpoints.probe-min", "1s",
                "gateway.endpoints.probe-max", "2s",
                "gateway.endpoints.check-seconds", "1",
                "gateway.endpoints.health-cache-seconds", "1",
                "gateway.endpoints.resume-rate", "50"));
        settings.put("gateway.delivery.schedule", "1s,1s,1s,1s,1s");
        app = GatewayTestApp.start(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        for (LocalReceiver receiver : List.of(crm, ops, gone)) {
            receiver.close();
        }
        Files.deleteIfExists(callersFile);
    }

    @BeforeEach
    void clean() {
        for (ScriptedReceiver receiver : List.of(crm, ops, gone)) {
            receiver.clear();
            receiver.respondByDefault(LocalReceiver.Response.status(200));
        }
    }

    @Test
    void aDeadEndpointIsPausedItsAnswersParkedThenReleasedInOrderWhenItIsBack() throws Exception {
        crm.respondByDefault(LocalReceiver.Response.status(503));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add((post("Question " + i)));
        }

        // the other endpoint gets every answer while the dead one is paused and its answers parked
        await().atMost(Duration.ofSeconds(90)).until(() -> answers(ops.deliveries()).size() >= 50
                && !events(ops.deliveries(), "endpoint.paused", "crm").isEmpty());
        List<LocalReceiver.Delivery> atOps = ops.deliveries();
        assertThat(answers(atOps)).extracting(LocalReceiver.Delivery::trackingId).containsExactlyInAnyOrderElementsOf(ids);
        LocalReceiver.Delivery paused = events(atOps, "endpoint.paused", "crm").get(0);
        assertThat(paused.signatureValid()).as("the event is signed with the caller's secret").isTrue();
        assertThat(paused.webhookId()).startsWith("evt_").endsWith("_ops");
        assertThat(paused.trackingId()).isNull();
        assertThat(paused.payload().path("data").path("endpoint").asText()).isEqualTo("crm");
        assertThat(paused.payload().path("data").path("state").asText()).isEqualTo("paused");
        assertThat(paused.payload().path("data").path("last_error").asText()).isEqualTo("HTTP_503");

        // every answer to the dead endpoint is parked: the status lookup says so, with the endpoint's state
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> "parked".equals(crmEntry(id).path("status").asText())));
        JsonNode parked = crmEntry(ids.get(ids.size() - 1));
        assertThat(parked.path("parked_since").asText()).isNotEmpty();
        assertThat(parked.path("endpoint_state").asText()).isIn("paused");

        // the attempts it cost: the threshold, the attempts already under way when it paused (a consumer's POST, a retry
        // firing on the redelivery pool: seen 0 to 3 here), and the probes; never one per answer
        long probesSoFar = probes("crm");
        long attemptsWhileDown = crm.receivedCount();
        assertThat(attemptsWhileDown).as("attempts at the dead receiver for 50 answers: %s", crm.deliveries().stream()
                        .map(d -> d.receivedAt() + " " + d.webhookId()).toList())
                .isLessThanOrEqualTo(PAUSE_FAILURES + 2L * CONSUMERS + probesSoFar);
        System.out.printf("endpoint health: 50 answers to a dead endpoint cost %d attempts (threshold %d, %d probes)%n",
                attemptsWhileDown, PAUSE_FAILURES, probesSoFar);

        // back: a probe resumes it, and the 50 arrive in the order their answers were made, each once with its webhook-id
        crm.respondByDefault(LocalReceiver.Response.status(200));
        await().atMost(Duration.ofSeconds(90)).until(() -> delivered(crm).size() == 50);
        List<LocalReceiver.Delivery> arrived = firstArrivals(crm);
        assertThat(arrived).extracting(LocalReceiver.Delivery::webhookId)
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "msg_" + id + "_crm").toList());
        assertThat(arrived).allMatch(d -> Boolean.TRUE.equals(d.signatureValid()));
        List<OffsetDateTime> answeredAt = arrived.stream()
                .map(d -> OffsetDateTime.parse(d.payload().path("ai_response").path("timestamp").asText())).toList();
        for (int i = 1; i < answeredAt.size(); i++) {
            assertThat(answeredAt.get(i)).as("delivery %d is not older than the one before", i).isAfterOrEqualTo(answeredAt.get(i - 1));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !events(ops.deliveries(), "endpoint.resumed", "crm").isEmpty());
        LocalReceiver.Delivery resumed = events(ops.deliveries(), "endpoint.resumed", "crm").get(0);
        assertThat(resumed.signatureValid()).isTrue();
        assertThat(resumed.payload().path("data").path("state").asText()).isEqualTo("resuming");

        // healthy again, nothing parked, nothing dead-lettered, every record delivered
        await().atMost(Duration.ofSeconds(30)).until(() -> health(new EndpointRef("acme", "crm")) == EndpointState.HEALTHY);
        for (String id : ids) {
            TrackingRouteTestSupport.awaitStatus(app, id, "delivered");
        }
        assertThat(app.drain(app.dlq("deliveries"))).isEmpty();
        assertThat(app.drain(app.dlq("requests"))).isEmpty();
        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("gateway_endpoint_state{caller=\"acme\",endpoint=\"crm\"} 0.0")
                .contains("gateway_parked_deliveries{caller=\"acme\",endpoint=\"crm\"} 0.0");
    }

    @Test
    void goneAnswersPauseTheEndpointAtOnce() throws Exception {
        gone.respondByDefault(LocalReceiver.Response.status(410));
        String id = (post("[emulator:validation] a failure for the gone endpoint"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "parked".equals(entry(id, "acme/gone").path("status").asText()));
        assertThat(gone.receivedCount() - probes("gone")).as("one attempt, then paused (and its probes)").isEqualTo(1);
        assertThat(health(new EndpointRef("acme", "gone"))).isEqualTo(EndpointState.PAUSED);
        assertThat(app.drain(app.dlq("deliveries"))).as("nothing dead-lettered for a gone endpoint").isEmpty();

        // its probe is its parked delivery; once it takes it, it is healthy again
        gone.respondByDefault(LocalReceiver.Response.status(200));
        TrackingRouteTestSupport.awaitStatus(app, id, "delivered");
        await().atMost(Duration.ofSeconds(30)).until(() -> health(new EndpointRef("acme", "gone")) == EndpointState.HEALTHY);
    }

    // --- helpers ---

    static String post(String query) throws Exception {
        return EndpointTestSupport.post(app, KEY, query);
    }

    static JsonNode crmEntry(String id) {
        return entry(id, "acme/crm");
    }

    static JsonNode entry(String id, String target) {
        return EndpointTestSupport.delivery(app, KEY, id, target);
    }

    static EndpointState health(EndpointRef endpoint) {
        return app.bean("endpointHealthStore", EndpointHealthStore.class).fresh(endpoint).state();
    }

    static List<LocalReceiver.Delivery> answers(List<LocalReceiver.Delivery> deliveries) {
        return deliveries.stream().filter(d -> "query.answered".equals(d.payload().path("type").asText())).toList();
    }

    static List<LocalReceiver.Delivery> events(List<LocalReceiver.Delivery> deliveries, String type) {
        return deliveries.stream().filter(d -> type.equals(d.payload().path("type").asText())).toList();
    }

    /** The receiver's 2xx deliveries. */
    static List<LocalReceiver.Delivery> delivered(ScriptedReceiver receiver) {
        return receiver.deliveries().stream().filter(d -> d.respondedStatus() / 100 == 2).toList();
    }

    /** Each webhook-id's first 2xx arrival, in arrival order. */
    static List<LocalReceiver.Delivery> firstArrivals(ScriptedReceiver receiver) {
        Set<String> seen = new LinkedHashSet<>();
        List<LocalReceiver.Delivery> first = new ArrayList<>();
        for (LocalReceiver.Delivery d : delivered(receiver)) {
            if (seen.add(d.webhookId())) {
                first.add(d);
            }
        }
        return first;
    }

    /** The probes sent to the endpoint so far ({@code gateway_endpoint_probes_total}). */
    static long probes(String endpoint) {
        Counter probes = app.bean("flowMetrics", FlowMetrics.class).registry().find("gateway.endpoint.probes")
                .tag("caller", "acme").tag("endpoint", endpoint).counter();
        return probes == null ? 0 : (long) probes.count();
    }

    /** The events of {@code type} about {@code endpoint}. */
    static List<LocalReceiver.Delivery> events(List<LocalReceiver.Delivery> deliveries, String type, String endpoint) {
        return events(deliveries, type).stream()
                .filter(d -> endpoint.equals(d.payload().path("data").path("endpoint").asText())).toList();
    }
}
