package routes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.sqs.FirstReceive;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A crash after the agent answered but before the request message was deleted must not pay for a second
 * agent call. The crash is simulated on the real app by failing, once, the step right after the answer is
 * in the tracking record: the exchange fails, the request stays on the queue, SQS hands it out again after
 * the visibility timeout (4 s in tests), and the {@code already-answered} choice takes over.
 */
class NeverPayTwiceTest {

    /** Node ids that fail once, the next time an exchange reaches them. */
    static final Set<String> FAIL_ONCE = ConcurrentHashMap.newKeySet();
    /** Per tracking id, for each receive: did the never-pay-twice check see a first receive (and skip its read)? */
    static final Map<String, List<Boolean>> FIRST_RECEIVES = new ConcurrentHashMap<>();

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;
    static ProbedAgentEmulator emulator;
    static String requests;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of());
        receiver = flow.receiver();
        app = flow.app();
        emulator = app.agent();
        requests = app.property("gateway.queue.requests");
        AdviceWith.adviceWith(app.context(), "agent-invoke", route -> {
            route.weaveById("read-record").before().process(exchange -> FIRST_RECEIVES
                    .computeIfAbsent(exchange.getProperty("tracking_id", String.class), k -> new CopyOnWriteArrayList<>())
                    .add(FirstReceive.of(exchange, exchange.getProperty(FlowProperties.QUEUED_AT, String.class))));
            for (String node : new String[] {"enqueue-answer", "delete-request"}) {
                route.weaveById(node).before().process(exchange -> {
                    if (FAIL_ONCE.remove(node)) {
                        throw new IllegalStateException("simulated crash before " + node);
                    }
                });
            }
        });
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @BeforeEach
    void clean() {
        FAIL_ONCE.clear();
        flow.reset();
    }

    @Test
    void crashBeforeTheAnswerWasEnqueuedReEnqueuesTheStoredAnswer() throws Exception {
        FAIL_ONCE.add("enqueue-answer");
        String id = post("Crash before the answer is enqueued");

        ScriptedReceiver.Delivery delivery = receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(FAIL_ONCE).as("the crash happened").isEmpty();
        assertThat(delivery.trackingId()).isEqualTo(id);
        assertThat(delivery.payload().get("ai_response").get("response").asText()).contains("**Negotiation**");
        assertThat(emulator.callsForSession(id)).as("agent calls").isEqualTo(1);
        assertThat(FIRST_RECEIVES.get(id)).as("the first receive skips the read, the second one reads").containsExactly(true, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(requests) == 0);
        ObjectNode record = TrackingRouteTestSupport.awaitStatus(app, id, "delivered");
        assertThat(record.get("agent_attempts").asInt()).isEqualTo(1);
        Thread.sleep(500);
        assertThat(receiver.receivedCount()).as("one delivery").isEqualTo(1);
        assertThat(emulator.callsForSession(id)).isEqualTo(1);
    }

    @Test
    void crashBetweenTheAnswerAndTheDeleteNeverCallsTheAgentAgain() throws Exception {
        FAIL_ONCE.add("delete-request");
        String id = post("Crash before the request is deleted");

        ScriptedReceiver.Delivery delivery = receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(delivery.trackingId()).isEqualTo(id);
        // the request comes back after the visibility timeout; the record says it is done: only deleted
        await().atMost(Duration.ofSeconds(30)).until(() -> FAIL_ONCE.isEmpty() && app.depth(requests) == 0);
        assertThat(emulator.callsForSession(id)).as("agent calls").isEqualTo(1);
        assertThat(FIRST_RECEIVES.get(id)).as("the first receive skips the read, the second one reads").containsExactly(true, false);
        Thread.sleep(500);
        assertThat(receiver.receivedCount()).as("one delivery").isEqualTo(1);
        assertThat(TrackingRouteTestSupport.awaitStatus(app, id, "delivered").get("agent_attempts").asInt()).isEqualTo(1);
    }

    private String post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "crash_test"));
        var response = app.postJson("/webhook", body);
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }
}
