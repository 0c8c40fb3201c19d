package ops;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric that the Grafana dashboard's queries and the alert rules name (k8s/monitoring) is served by
 * {@code /observe/metrics} of a running app, after one question delivered, one dead-lettered and one parked: a renamed
 * metric fails the build. The few names no app run here can serve are listed below, each with its reason.
 */
class DashboardMetricsTest {

    /** Series that other programs write, not the gateway. */
    static final Map<String, String> NOT_THE_APPS = Map.of(
            "up", "Prometheus's own per-target series (alert GatewayDown)",
            "kube_pod_status_ready", "kube-state-metrics, the pods' readiness as the kubelet sees it (alert GatewayNotReady)");

    /**
     * The gateway's metrics that only appear once a failure happened that this test does not cause, each with the test
     * that makes the failure and asserts the metric by that name (checked below, so the link cannot rot).
     */
    static final Map<String, String> SERVED_AFTER_A_FAILURE = Map.of(
            "gateway_record_store_errors_total", "src/test/java/routes/RecordStoreOutageTest.java");

    @Test
    void everyMetricTheDashboardAndTheAlertsNameIsServed() throws Exception {
        Set<String> named = namedMetrics();
        assertThat(named).as("the dashboard and the alerts name metrics").hasSizeGreaterThan(10)
                .containsAll(NOT_THE_APPS.keySet()).containsAll(SERVED_AFTER_A_FAILURE.keySet());
        for (Map.Entry<String, String> e : SERVED_AFTER_A_FAILURE.entrySet()) {
            assertThat(java.nio.file.Files.readString(AppSettings.ROOT.resolve(e.getValue())))
                    .as("%s asserts %s", e.getValue(), e.getKey()).contains(e.getKey());
        }

        try (ReceiverAndApp flow = ReceiverAndApp.start(Map.of(
                "gateway.endpoints.check-seconds", "1", "gateway.metrics.queue-sample-seconds", "1"))) {
            GatewayTestApp app = flow.app();
            // delivered
            assertThat(app.postJson("/webhook", question("Delivered?")).statusCode()).isEqualTo(202);
            flow.receiver().awaitDeliveries(1, Duration.ofSeconds(30));
            // refused by the receiver: dead-lettered
            flow.receiver().respondWith(400);
            assertThat(app.postJson("/webhook", question("Refused?")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> served(metrics(app)).contains("gateway_dead_letters_total"));
            // the endpoint paused by hand: parked
            assertThat(app.send(HttpRequest.newBuilder(app.managementUrl("/admin/endpoints/default/default/pause"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
            assertThat(app.postJson("/webhook", question("Parked?")).statusCode()).isEqualTo(202);

            Set<String> expected = new TreeSet<>(named);
            expected.removeAll(NOT_THE_APPS.keySet());
            expected.removeAll(SERVED_AFTER_A_FAILURE.keySet());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(served(metrics(app)));
                assertThat(missing).as("metrics named in k8s/monitoring that /observe/metrics does not serve").isEmpty();
            });
        }
    }

    /** The extraction itself: metric names only, never functions, labels, label lists, strings or durations. */
    @Test
    void theNamesOfAnExpressionAreItsMetrics() {
        assertThat(MonitoringFiles.metricNames("histogram_quantile(0.95, sum by (namespace, le) "
                + "(rate(gateway_agent_call_duration_seconds_bucket{outcome=\"answered\", x=~\"a(b)\"}[$__rate_interval])))"))
                .containsExactly("gateway_agent_call_duration_seconds_bucket");
        assertThat(MonitoringFiles.metricNames("up{job=\"g\"} == 0 or absent(up{job=\"g\"})")).containsExactly("up");
        assertThat(MonitoringFiles.metricNames("sum(rate(a_total[5m] offset 1h)) / ignoring(x) group_left(y) b:rule * 1e3 > bool 60"))
                .containsExactly("a_total", "b:rule");
        assertThat(MonitoringFiles.metricNames("max by (queue) (q{queue=~\".+-dlq(\\\\.fifo)?\"}) unless on (queue) r"))
                .containsExactly("q", "r");
    }

    static Set<String> namedMetrics() {
        Set<String> names = new TreeSet<>(MonitoringFiles.dashboardVariableMetrics());
        MonitoringFiles.dashboardExpressions().forEach(e -> names.addAll(MonitoringFiles.metricNames(e)));
        MonitoringFiles.alertRules().forEach(r -> names.addAll(MonitoringFiles.metricNames(r.path("expr").asText())));
        return names;
    }

    /** The series names of a Prometheus text exposition (a histogram's _bucket, _count and _sum each). */
    static Set<String> served(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static String metrics(GatewayTestApp app) throws Exception {
        return app.get(app.managementUrl("/observe/metrics")).body();
    }

    private static String question(String query) {
        return Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "tests").put("source_process", "dashboard"));
    }
}
