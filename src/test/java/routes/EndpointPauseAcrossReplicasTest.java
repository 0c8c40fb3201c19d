package routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import gateway.endpoints.EndpointControl;
import gateway.endpoints.EndpointHealth;
import gateway.endpoints.EndpointHealthStore;
import gateway.endpoints.EndpointRef;
import gateway.endpoints.EndpointState;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas sharing their queues and their store: a pause decided on one is honoured by the other. The first replica
 * pauses a dead endpoint; the deliveries the second replica takes afterwards are parked without one attempt at the
 * receiver (it reads the shared health); resumed, every answer arrives, the parked ones from either replica in order.
 */
class EndpointPauseAcrossReplicasTest {

    static final String KEY = "acme-key-0001-aaaaaaaaaaaa";
    static final String SECRET = CallersDeliveryTest.secret(9);
    static final EndpointRef CRM = new EndpointRef("acme", "crm");

    static ScriptedReceiver receiver;
    static GatewayTestApp first;
    static GatewayTestApp second;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        receiver = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: crm
                  url: %scrm
                """.formatted(receiver.url()));
        Map<String, String> health = Map.of("gateway.endpoints.pause-failures", "2", "gateway.endpoints.pause-after", "0s",
                // no probe during the test: it is resumed by hand
                "gateway.endpoints.probe-min", "1h", "gateway.endpoints.probe-max", "1h",
                "gateway.endpoints.check-seconds", "1", "gateway.endpoints.health-cache-seconds", "1",
                "gateway.callers.file", callersFile.toString());
        first = GatewayTestApp.start(with(health, Map.of()));
        // the second replica: the first one's SQS and S3; its delivery stage starts once the first has paused the endpoint
        second = GatewayTestApp.start(with(health, Map.of("gateway.sqs.endpoint", first.property("gateway.sqs.endpoint"),
                "gateway.s3.endpoint", first.property("gateway.s3.endpoint"), "gateway.s3.conditional-writes", "false",
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false")));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayTestApp app : new GatewayTestApp[] {second, first}) {
            if (app != null) {
                app.close();
            }
        }
        receiver.close();
        Files.deleteIfExists(callersFile);
    }

    @Test
    void aPauseDecidedOnOneReplicaIsHonouredByTheOther() throws Exception {
        receiver.respondByDefault(LocalReceiver.Response.status(503));
        List<String> ids = new ArrayList<>();
        ids.add(post());
        await().atMost(Duration.ofSeconds(60)).until(() -> state(first) == EndpointState.PAUSED);
        await().atMost(Duration.ofSeconds(60)).until(() -> parked(ids.get(0)));
        long attempts = receiver.receivedCount();

        // the first replica stops delivering; the second, which never saw a failure, takes the next deliveries
        first.context().getRouteController().stopRoute("webhook-deliver");
        second.context().getRouteController().startRoute("webhook-deliver");
        for (int i = 0; i < 5; i++) {
            ids.add(post());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(EndpointPauseAcrossReplicasTest::parked));
        assertThat(receiver.receivedCount()).as("the second replica parked them without an attempt").isEqualTo(attempts);
        EndpointHealth seenBySecond = second.bean("endpointHealthStore", EndpointHealthStore.class).current(CRM);
        assertThat(seenBySecond.state()).isEqualTo(EndpointState.PAUSED);

        // resumed (on the second replica, by hand): the first one's timer releases all six, in order
        receiver.respondByDefault(LocalReceiver.Response.status(200));
        second.bean("endpointControl", EndpointControl.class).resume(CRM, EndpointHealth.BY_OPERATOR);
        for (String id : ids) {
            TrackingRouteTestSupport.awaitStatus(first, id, "delivered");
        }
        // all six, in the order their answers were made (the agent may finish them in another order than they were asked)
        List<LocalReceiver.Delivery> arrived = receiver.deliveries().stream().filter(d -> d.respondedStatus() == 200)
                .filter(distinctBy(LocalReceiver.Delivery::trackingId)).toList();
        assertThat(arrived).extracting(LocalReceiver.Delivery::trackingId).containsExactlyInAnyOrderElementsOf(ids);
        List<OffsetDateTime> answeredAt = arrived.stream()
                .map(d -> OffsetDateTime.parse(d.payload().path("ai_response").path("timestamp").asText())).toList();
        for (int i = 1; i < answeredAt.size(); i++) {
            assertThat(answeredAt.get(i)).as("delivery %d is not older than the one before", i).isAfterOrEqualTo(answeredAt.get(i - 1));
        }
        assertThat(receiver.deliveries()).allMatch(d -> Boolean.TRUE.equals(d.signatureValid()));
        assertThat(first.drain(first.dlq("deliveries"))).isEmpty();
    }

    /** Keeps the first element of each key. */
    static <T> Predicate<T> distinctBy(Function<T, String> key) {
        Set<String> seen = new HashSet<>();
        return t -> seen.add(key.apply(t));
    }

    static String post() throws Exception {
        return EndpointTestSupport.post(first, KEY, "Across replicas");
    }

    static boolean parked(String id) {
        return "parked".equals(EndpointTestSupport.delivery(first, KEY, id, "acme/crm").path("status").asText());
    }

    static EndpointState state(GatewayTestApp app) {
        return app.bean("endpointHealthStore", EndpointHealthStore.class).fresh(CRM).state();
    }

    static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.putAll(more);
        return all;
    }
}
