package routes;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import gateway.testing.OtlpTraceReceiver;
import gateway.testing.OtlpTraceReceiver.ReceivedSpan;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One question, one trace, across two replicas (docs/tracing.md): the intake on one app, the agent and the delivery on
 * another sharing its queues and store, both exporting over OTLP/HTTP to a receiver in the test that decodes the protobuf
 * the SDK's exporter sends. The trace id of the delivered webhook's {@code traceparent} is the one of every span of the
 * question, from {@code POST /webhook} on the first app to the receiver's answer on the second.
 */
class TracingAcrossReplicasTest {

    static final String KEY = "acme-key-0001-aaaaaaaaaaaa";
    static final String SECRET = CallersDeliveryTest.secret(11);

    static OtlpTraceReceiver traces;
    static ScriptedReceiver receiver;
    static GatewayTestApp intake;
    static GatewayTestApp worker;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        traces = OtlpTraceReceiver.start();
        receiver = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: crm
                  url: %scrm
                """.formatted(receiver.url()));
        Map<String, String> common = Map.of("gateway.callers.file", callersFile.toString(),
                "otel.exporter.otlp.endpoint", traces.endpoint(),
                // spans leave each app a tenth of a second after they end, so the test waits little
                "otel.bsp.schedule.delay", "100");
        // the first replica takes questions only
        intake = GatewayTestApp.start(with(common, Map.of("otel.service.name", "gateway-intake",
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false")));
        // the second: the first one's SQS and S3; it asks the agent and delivers
        worker = GatewayTestApp.start(with(common, Map.of("otel.service.name", "gateway-worker", "gateway.dlq.sweep-seconds", "1",
                "gateway.sqs.endpoint", intake.property("gateway.sqs.endpoint"),
                "gateway.s3.endpoint", intake.property("gateway.s3.endpoint"), "gateway.s3.conditional-writes", "false")));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayTestApp app : new GatewayTestApp[] {worker, intake}) {
            if (app != null) {
                app.close();
            }
        }
        receiver.close();
        traces.close();
        Files.deleteIfExists(callersFile);
    }

    @BeforeEach
    void clear() {
        receiver.clear();
    }

    @Test
    void aQuestionIsOneTraceFromItsPostToItsWebhookAcrossTwoReplicas() throws Exception {
        String id;
        LocalReceiver.Delivery delivered;
        List<String> logged;
        try (LogCapture logs = LogCapture.start()) {
            id = EndpointTestSupport.post(intake, KEY, "Trace me across replicas");
            delivered = receiver.awaitDeliveries(1, Duration.ofSeconds(60)).get(0);
            String deliveredLine = "Delivered msg_" + id;
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.events().stream().anyMatch(l -> l.contains(deliveredLine)));
            logged = logs.events();
        }
        assertThat(delivered.trackingId()).isEqualTo(id);
        String traceparent = delivered.header("traceparent");
        assertThat(traceparent).as("the webhook carries the question's W3C trace context").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String traceId = traceparent.split("-")[1];
        // the log lines of the question, on either replica, carry its trace id (and a span id)
        for (String line : List.of("Queued " + id, "Asking the agent", "Delivered msg_" + id)) {
            assertThat(logged.stream().filter(l -> l.contains(line) && l.contains("tracking_id=" + id)).toList()).as(line)
                    .isNotEmpty().allMatch(l -> l.contains("trace_id=" + traceId) && l.matches("(?s).*span_id=[0-9a-f]{16}.*"));
        }

        // every stage's spans arrive (each app exports on its own, a span once it ended: a route's after its sends)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(names(traceId, "gateway-worker"))
                .contains("sqs webhook-requests.fifo", "InvokeAgent", "sqs webhook-deliveries", "attempt-delivery", "POST"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(names(traceId, "gateway-intake"))
                .contains("POST", "sqs-batch sendMessage webhook-requests.fifo"));
        // every span is connected: its parent is in the trace (once the parents that end last have arrived too)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ReceivedSpan> all = inTrace(traceId);
            Set<String> spanIds = all.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
            assertThat(all).allMatch(s -> s.parentSpanId().isEmpty() || spanIds.contains(s.parentSpanId()));
        });
        assertThat(traces.problems()).isEmpty();
        // the timers' ticks (TRACING_EXCLUDE_PATTERNS, default timer:*) make no span
        assertThat(traces.spans()).noneMatch(s -> "camel-timer".equals(s.attribute("component")));

        List<ReceivedSpan> trace = inTrace(traceId);
        // one root: the caller's POST /webhook on the intake replica
        List<ReceivedSpan> roots = trace.stream().filter(s -> s.parentSpanId().isEmpty()).toList();
        assertThat(roots).hasSize(1);
        assertThat(roots.get(0).service()).isEqualTo("gateway-intake");
        assertThat(roots.get(0).attribute("url.path")).contains("webhook");
        assertThat(roots.get(0).attribute("gateway.tracking_id")).isEqualTo(id);
        // the question's spans on either replica all carry this trace id, none another
        List<ReceivedSpan> elsewhere = traces.spans().stream().filter(s -> id.equals(s.attribute("gateway.tracking_id"))
                && !s.traceId().equals(traceId)).toList();
        assertThat(elsewhere).as("spans of the question in another trace").isEmpty();

        // the hops across the queues: the worker's receive of the request is the child of the intake's send
        ReceivedSpan send = only(trace, "gateway-intake", "sqs-batch sendMessage webhook-requests.fifo");
        ReceivedSpan receive = only(trace, "gateway-worker", "sqs webhook-requests.fifo");
        assertThat(receive.parentSpanId()).isEqualTo(send.spanId());
        // the question's events while the agent works are events on the agent stage's span
        assertThat(receive.events()).contains("query.started");
        ReceivedSpan deliverySend = only(trace, "gateway-worker", "sqs-batch sendMessage webhook-deliveries");
        ReceivedSpan deliveryReceive = only(trace, "gateway-worker", "sqs webhook-deliveries");
        assertThat(deliveryReceive.parentSpanId()).isEqualTo(deliverySend.spanId());

        // the agent call and the delivery attempt, with their attributes
        ReceivedSpan agent = only(trace, "gateway-worker", "InvokeAgent");
        assertThat(agent.attributes()).containsEntry("gateway.agent.id", worker.property("gateway.agent.id"))
                .containsEntry("gateway.agent.alias_id", worker.property("gateway.agent.alias-id"))
                .containsEntry("gateway.agent.attempt", "1").containsEntry("gateway.outcome", "answered")
                .containsKey("gateway.duration_ms");
        ReceivedSpan post = only(trace, "gateway-worker", "POST");
        assertThat(post.attributes()).containsEntry("gateway.delivery.target", "acme/crm")
                .containsEntry("http.status_code", "200").containsEntry("gateway.delivery.attempt", "1")
                .containsEntry("gateway.outcome", "delivered").containsKey("gateway.duration_ms");
        assertThat(post.attribute("http.url")).doesNotContain("?");
        // the webhook's traceparent is the POST's own span
        assertThat(traceparent.split("-")[2]).isEqualTo(post.spanId());

        System.out.println("trace " + traceId + ": " + trace.stream().map(s -> s.service() + ":" + s.name()).sorted().toList());
    }

    @Test
    void eachAgentRetryIsASpanAndTheRequestReceivedAgainStaysInTheTrace() throws Exception {
        // throttled 5 times: 1 call + 3 retries on the first receive, left on the queue; answered on the second receive
        String id = EndpointTestSupport.post(intake, KEY, "[emulator:throttle=5] Throttled, then answered");
        LocalReceiver.Delivery delivered = receiver.awaitDeliveries(1, Duration.ofSeconds(90)).get(0);
        assertThat(delivered.trackingId()).isEqualTo(id);
        String traceId = delivered.header("traceparent").split("-")[1];

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inTrace(traceId).stream()
                .filter(s -> s.name().equals("sqs webhook-requests.fifo")).map(s -> s.attribute("gateway.sqs.receive_count")).toList())
                .containsExactlyInAnyOrder("1", "2"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inTrace(traceId).stream()
                .filter(s -> s.name().equals("InvokeAgent")).toList()).hasSize(6));
        List<ReceivedSpan> calls = inTrace(traceId).stream().filter(s -> s.name().equals("InvokeAgent")).toList();
        assertThat(calls.stream().map(s -> s.attribute("gateway.agent.attempt")).toList())
                .containsExactlyInAnyOrder("1", "2", "3", "4", "1", "2");
        assertThat(calls.stream().filter(s -> "answered".equals(s.attribute("gateway.outcome")))).hasSize(1);
        assertThat(calls.stream().filter(s -> "true".equals(s.attribute("error")))).hasSize(5)
                .allMatch(s -> s.attribute("gateway.outcome").endsWith("Exception"));
    }

    @Test
    void aDeadLetterRedrivenByAnOperatorGoesOnInItsQuestionsTrace() throws Exception {
        receiver.respondWith(422);
        String id = EndpointTestSupport.post(intake, KEY, "Refused once, redriven, then accepted");
        await().atMost(Duration.ofSeconds(60)).until(() -> intake.depth(intake.dlq("deliveries")) == 1);
        String traceId = receiver.deliveries().get(0).header("traceparent").split("-")[1];

        // the operator redrives it on the other replica's management port, in a request of the operator's own
        var redriven = worker.send(HttpRequest.newBuilder(worker.managementUrl("/admin/dlq/deliveries/redrive"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(redriven.statusCode()).as(redriven.body()).isEqualTo(200);
        List<LocalReceiver.Delivery> got = receiver.awaitDeliveries(2, Duration.ofSeconds(60));
        assertThat(got.get(1).trackingId()).isEqualTo(id);
        assertThat(got.get(1).respondedStatus()).isEqualTo(200);
        assertThat(got.get(1).header("traceparent").split("-")[1]).as("the redriven delivery's trace").isEqualTo(traceId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(names(traceId, "gateway-worker"))
                .contains("redrive deliveries"));
        ReceivedSpan redrive = only(inTrace(traceId), "gateway-worker", "redrive deliveries");
        assertThat(redrive.attribute("gateway.tracking_id")).isEqualTo(id);
        assertThat(redrive.attribute("gateway.redrives")).isEqualTo("1");
        assertThat(redrive.links()).as("linked to the operator's request, a trace of its own").hasSize(1)
                .noneMatch(link -> link.equals(traceId));
        // the redrive's span is the child of the dead-letter send, in the question's trace
        ReceivedSpan deadLetter = only(inTrace(traceId), "gateway-worker", "sqs webhook-deliveries-dlq");
        assertThat(redrive.parentSpanId()).isEqualTo(deadLetter.spanId());
        // two attempts, each a POST of its own with its status
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inTrace(traceId).stream()
                .filter(s -> s.name().equals("POST") && s.service().equals("gateway-worker"))
                .map(s -> s.attribute("http.status_code")).toList()).containsExactlyInAnyOrder("422", "200"));
        // the refused one is an error, named by its status: Camel's message would hold the receiver's whole URL
        ReceivedSpan refused = inTrace(traceId).stream().filter(s -> s.name().equals("POST") && "422".equals(s.attribute("http.status_code")))
                .findFirst().orElseThrow();
        assertThat(refused.attribute("error")).isEqualTo("true");
        assertThat(refused.eventMessages()).containsExactly("the receiver answered HTTP 422");
        assertThat(refused.attribute("gateway.outcome")).isEqualTo("http_422");
        // the route's log lines are events of its spans
        assertThat(inTrace(traceId).stream().flatMap(s -> s.eventMessages().stream()))
                .anyMatch(m -> m.startsWith("Receiver refused the delivery (HTTP 422)"));
    }

    @Test
    void aRequestSqsMovedToTheDeadLetterQueueIsAnsweredInItsQuestionsTrace() throws Exception {
        // the worker takes no request for a while: the test plays SQS's redrive policy (after crashes) by hand
        worker.context().getRouteController().stopRoute("agent-invoke");
        try {
            String id = EndpointTestSupport.post(intake, KEY, "Moved by SQS");
            String requests = intake.property("gateway.queue.requests");
            List<software.amazon.awssdk.services.sqs.model.Message> queued = await().atMost(Duration.ofSeconds(30))
                    .until(() -> intake.drain(requests), m -> !m.isEmpty());
            var request = queued.get(0);
            assertThat(request.messageAttributes()).containsKey("traceparent");
            String traceId = request.messageAttributes().get("traceparent").stringValue().split("-")[1];
            String dlq = intake.dlq("requests");
            intake.sqs().sendMessage(r -> r.queueUrl(intake.queueUrl(dlq)).messageBody(request.body())
                    .messageAttributes(request.messageAttributes())
                    .messageGroupId(request.attributes().get(
                            software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.MESSAGE_GROUP_ID))
                    .messageDeduplicationId(request.messageId()));

            // the worker's sweep finds it: the caller is told (query.failed), in the question's trace
            worker.context().getRouteController().startRoute("dead-letter-sweep");
            LocalReceiver.Delivery failed = receiver.awaitDeliveries(1, Duration.ofSeconds(60)).get(0);
            assertThat(failed.trackingId()).isEqualTo(id);
            assertThat(failed.header("traceparent").split("-")[1]).isEqualTo(traceId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(names(traceId, "gateway-worker"))
                    .contains("request-moved-by-sqs", "POST"));
        } finally {
            worker.context().getRouteController().stopRoute("dead-letter-sweep");
            worker.context().getRouteController().startRoute("agent-invoke");
        }
    }

    static List<ReceivedSpan> inTrace(String traceId) {
        return traces.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    static List<String> names(String traceId, String service) {
        return inTrace(traceId).stream().filter(s -> s.service().equals(service)).map(ReceivedSpan::name).toList();
    }

    static ReceivedSpan only(List<ReceivedSpan> trace, String service, String name) {
        List<ReceivedSpan> found = trace.stream().filter(s -> s.service().equals(service) && s.name().equals(name)).toList();
        assertThat(found).as(service + " " + name + " in " + trace.stream().map(s -> s.service() + ":" + s.name()).toList())
                .hasSize(1);
        return found.get(0);
    }

    static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(base);
        all.putAll(more);
        return all;
    }
}
