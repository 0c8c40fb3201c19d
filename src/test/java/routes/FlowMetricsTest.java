package routes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.metrics.FlowMetricsNotifier;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The metrics move as the flow runs: requests, agent calls, deliveries, dead letters, queue depths. */
class FlowMetricsTest {

    @Test
    void metricsTellTheStoryOfTheFlow() throws Exception {
        try (ReceiverAndApp flow = ReceiverAndApp.start(null, Map.of("gateway.metrics.queue-sample-seconds", "1"))) {
            ScriptedReceiver receiver = flow.receiver();
            GatewayTestApp app = flow.app();
            String ok = Json.write(Json.object().put("query", "Pipeline?").put("timestamp", "2025-08-13T06:30:00Z")
                    .put("source_system", "tests").put("source_process", "metrics"));
            assertThat(app.postJson("/webhook", ok).statusCode()).isEqualTo(202);
            assertThat(app.postJson("/webhook", "{bad").statusCode()).isEqualTo(400);
            receiver.respondWith(400);
            assertThat(app.postJson("/webhook", ok.replace("Pipeline?", "Refused by the receiver")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.receivedCount() == 2);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = app.get(app.managementUrl("/observe/metrics")).body();
                assertThat(metrics)
                        .contains("gateway_requests_total{outcome=\"accepted\",reason=\"queued\"} 2.0")
                        .contains("gateway_requests_total{outcome=\"rejected\",reason=\"invalid_request\"} 1.0")
                        .contains("gateway_agent_calls_total{error_code=\"none\",outcome=\"answered\"} 2.0")
                        .contains("gateway_agent_call_duration_seconds_bucket")
                        .contains("gateway_agent_calls_in_flight 0.0")
                        .contains("gateway_sqs_batch_entries_count{operation=\"sendMessage\",queue=\"webhook-requests.fifo\"}")
                        .contains("gateway_sqs_batch_entries_count{operation=\"deleteMessage\",queue=\"webhook-deliveries\"}")
                        .contains("gateway_delivery_attempts_total{caller=\"default\",endpoint=\"default\",outcome=\"delivered\",status_class=\"2xx\"} 1.0")
                        .contains("gateway_delivery_attempts_total{caller=\"default\",endpoint=\"default\",outcome=\"rejected\",status_class=\"4xx\"} 1.0")
                        .contains("gateway_dead_letters_total{stage=\"webhook-deliver\"} 1.0")
                        .contains("gateway_deliveries_total{caller=\"default\",endpoint=\"default\",outcome=\"dead_lettered\"} 1.0")
                        .contains("gateway_queue_messages{queue=\"webhook-deliveries-dlq\",state=\"visible\"} 1.0")
                        .contains("gateway_queue_messages{queue=\"webhook-requests.fifo\",state=\"visible\"} 0.0")
                        .contains("jvm_memory_used_bytes");
            });

            // the calls are known by their node ids: every id the metrics count is a node of the routes
            List<String> ids = new ArrayList<>();
            ((ModelCamelContext) app.context()).getRouteDefinitions().forEach(route -> TrackingRouteTest.collectIds(route.getOutputs(), ids));
            assertThat(ids).containsAll(FlowMetricsNotifier.AGENT_CALLS)
                    .containsAll(FlowMetricsNotifier.WEBHOOK_POSTS).containsAll(FlowMetricsNotifier.DESTINATION_SENDS);
            // dead letters by the naming rule: every send of an entry to a DLQ is a dead-letter- node, and only those are
            Map<String, String> sends = new java.util.LinkedHashMap<>();
            ((ModelCamelContext) app.context()).getRouteDefinitions().forEach(route -> collectSends(route.getOutputs(), sends));
            Map<String, String> dlqWrites = new java.util.TreeMap<>();
            sends.forEach((id, uri) -> {
                if ((uri.contains("{{gateway.queue.requests-dlq}}") || uri.contains("{{gateway.queue.deliveries-dlq}}"))
                        && !uri.contains("operation=")) {
                    dlqWrites.put(id, uri);
                }
            });
            assertThat(dlqWrites).as("the DLQ writes").hasSizeGreaterThanOrEqualTo(4);
            assertThat(dlqWrites.keySet()).allMatch(id -> id.startsWith(FlowMetricsNotifier.DEAD_LETTER_NODE_PREFIX));
            assertThat(sends.keySet().stream().filter(id -> id.startsWith(FlowMetricsNotifier.DEAD_LETTER_NODE_PREFIX)))
                    .as("only the DLQ writes are named dead-letter-").containsExactlyInAnyOrderElementsOf(dlqWrites.keySet());
        }
    }

    /** Every send node (to, toD) of the routes, by node id, with its endpoint URI as written. */
    static void collectSends(List<org.apache.camel.model.ProcessorDefinition<?>> outputs, Map<String, String> sends) {
        for (org.apache.camel.model.ProcessorDefinition<?> output : outputs) {
            if (output instanceof org.apache.camel.model.SendDefinition<?> send && send.getId() != null) {
                sends.put(send.getId(), send.getEndpointUri());
            }
            if (output instanceof org.apache.camel.model.ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(when -> collectSends(when.getOutputs(), sends));
                if (choice.getOtherwise() != null) {
                    collectSends(choice.getOtherwise().getOutputs(), sends);
                }
            }
            collectSends(output.getOutputs(), sends);
        }
    }
}
