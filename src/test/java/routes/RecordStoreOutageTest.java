package routes;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.testing.ScriptedReceiver;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The record store is down (S3 points at a closed port): every request is still queued, answered and
 * delivered; the failed store calls are counted in {@code gateway_record_store_errors_total}; the status
 * endpoint, the cancel and the resend answer 503.
 */
class RecordStoreOutageTest {

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of(
                "gateway.s3.endpoint", "http://127.0.0.1:" + GatewayTestApp.freePort(),
                "gateway.local.create-bucket", "false"));
        receiver = flow.receiver();
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void theFlowDeliversWhileTheStoreIsDownAndTheErrorsAreCounted() throws Exception {
        String body = Json.write(Json.object().put("query", "Anyone keeping records?").put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "outage"));
        var accepted = app.postJson("/webhook", body);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = Json.MAPPER.readTree(accepted.body()).get("tracking_id").asText();

        ScriptedReceiver.Delivery delivery = receiver.awaitDeliveries(1, Duration.ofSeconds(30)).get(0);
        assertThat(delivery.trackingId()).isEqualTo(id);
        assertThat(delivery.payload().get("status").asText()).isEqualTo("answered");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.depth(app.property("gateway.queue.deliveries")) == 0
                && app.depth(app.property("gateway.queue.requests")) == 0);

        // the changes of the moment share a write (queued and processing join the agent's result, written in
        // line; delivering joins the delivery's end), so at least those two writes, each tried 3 times. The
        // first receive does not read the record; the export, left without the final record, reads it, last
        await().atMost(Duration.ofSeconds(30)).until(() -> storeErrors("write") >= 3 * 2 && storeErrors("read") >= 3);

        var status = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).GET().build());
        assertThat(status.statusCode()).isEqualTo(503);
        JsonNode error = Json.MAPPER.readTree(status.body());
        assertThat(error.get("success").asBoolean()).isFalse();
        assertThat(error.get("error").asText()).isEqualTo("Service temporarily unavailable");
        assertThat(error.get("tracking_id").asText()).isEqualTo(id);

        // nor can the question be cancelled or resent: 503 too, the caller may ask again
        var cancel = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).DELETE().build());
        assertThat(cancel.statusCode()).isEqualTo(503);
        assertThat(cancel.headers().firstValue("Retry-After")).isPresent();
        var resend = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id + "/resend")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(resend.statusCode()).isEqualTo(503);
    }

    static double storeErrors(String operation) throws Exception {
        String metrics = app.get(app.managementUrl("/observe/metrics")).body();
        Matcher m = Pattern.compile("^gateway_record_store_errors_total\\{[^}]*operation=\"" + operation + "\"[^}]*} ([0-9.E+]+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
