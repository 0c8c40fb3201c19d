package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.ApiContract;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /openapi.json} on the real app, with API keys and an admin token configured: each port serves its own
 * document, as the repository has it, to anyone; other methods get the 405 the document describes; an unknown path a JSON
 * 404 on both ports, a method the management port does not take a JSON 405.
 */
class OpenApiRouteTest {

    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "crm:crm-key-0123456789",
                "gateway.admin.token", "admin-token-0123456789abcdef"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theBusinessPortServesThePublicDocumentWithoutAKey() throws Exception {
        HttpResponse<String> answer = app.get(app.url("/openapi.json"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode served = Json.MAPPER.readTree(answer.body());
        assertThat(served).isEqualTo(ApiContract.gateway().document());
        assertThat(served.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(served.path("webhooks").has("query.answered")).isTrue();
    }

    @Test
    void theManagementPortServesItsOwnDocumentWithoutAToken() throws Exception {
        HttpResponse<String> answer = app.get(app.managementUrl("/openapi.json"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(answer.body())).isEqualTo(ApiContract.admin().document());
    }

    @Test
    void theDocumentIsReadOnly() throws Exception {
        HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.url("/openapi.json"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aMethodTheManagementPortDoesNotTakeIsAJson405() throws Exception {
        HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.managementUrl("/admin/dlq/requests")).DELETE().build());
        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(Json.MAPPER.readTree(answer.body()).path("error").asText()).isEqualTo("Method not allowed");
    }

    @Test
    void anUnknownPathIsAJsonNotFoundOnBothPorts() throws Exception {
        for (HttpResponse<String> answer : new HttpResponse[] {app.get(app.url("/no/such/path")),
                app.get(app.managementUrl("/no/such/path"))}) {
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(answer.body()).path("error").asText()).isEqualTo("Not found: no such path");
        }
    }
}
