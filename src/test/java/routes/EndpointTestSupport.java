package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;

/** What the endpoint-health tests share: a callers file with one caller, its questions, its deliveries' status. */
final class EndpointTestSupport {

    private EndpointTestSupport() {
    }

    /** A callers file (deleted by the test) with caller {@code acme}, its key, secret and these webhooks (YAML items). */
    static Path callersFile(String key, String secret, String webhooks) throws Exception {
        Path file = Files.createTempFile("callers", ".yaml");
        Files.writeString(file, """
                callers:
                  - name: acme
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                """.formatted(key, secret) + webhooks.indent(6));
        return file;
    }

    /** POST /webhook with the caller's key; the tracking id of the 202. */
    static String post(GatewayTestApp app, String key, String query) throws Exception {
        return CallersDeliveryTest.accepted(app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question(query)))).build()));
    }

    /** The delivery to {@code target} ({@code acme/crm}) as the status lookup shows it now (empty when not found). */
    static JsonNode delivery(GatewayTestApp app, String key, String id, String target) {
        try {
            HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.url("/webhook/" + id))
                    .header("Authorization", "Bearer " + key).GET().build());
            ObjectNode status = response.statusCode() == 200 ? (ObjectNode) Json.MAPPER.readTree(response.body()) : Json.object();
            return CallersDeliveryTest.entry(status, target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
