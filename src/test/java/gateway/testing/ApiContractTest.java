package gateway.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryMessage;
import gateway.endpoints.EndpointEvents;
import gateway.endpoints.EndpointTests;
import gateway.events.QuestionEvent;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI documents hold what the tests need of them: every example is valid against its schema and is shown in
 * docs/api.md (the guide to them); every object schema says whether it takes other fields (so a field added without
 * the document fails a test); a webhook per event type the gateway sends; and the checker ({@link ApiContract}) refuses what it must.
 */
class ApiContractTest {

    static final String ID = "e7aeb7e9-5382-41a5-b858-f8010978cd26";
    static final String ACCEPTED = "{\"success\":true,\"message\":\"Request queued for processing\",\"tracking_id\":\"" + ID
            + "\",\"queued_at\":\"2025-08-14T09:18:33.360478+00:00\",\"status\":\"queued\"}";

    @Test
    void everyExampleIsValidAgainstItsSchema() {
        for (ApiContract contract : List.of(ApiContract.gateway(), ApiContract.admin())) {
            List<String> checked = new ArrayList<>();
            walk(contract.document(), "", (pointer, node) -> {
                if (node.has("schema") && node.has("examples")) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = node.get("examples").fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> example = it.next();
                        JsonNode value = example(contract, example.getValue());
                        assertThat(contract.validate(pointer + "/schema", value)).as(pointer + " example " + example.getKey()).isEmpty();
                        checked.add(pointer);
                    }
                }
            });
            assertThat(checked).isNotEmpty();
        }
    }

    @Test
    void everyObjectSchemaSaysWhetherItTakesOtherFields() {
        for (ApiContract contract : List.of(ApiContract.gateway(), ApiContract.admin())) {
            walk(contract.document(), "", (pointer, node) -> {
                if (node.has("properties") && node.get("properties").isObject() && !pointer.endsWith("/properties")) {
                    assertThat(node.has("additionalProperties")).as(pointer + ": additionalProperties").isTrue();
                }
            });
        }
    }

    @Test
    void everyEventTypeHasItsWebhook() {
        List<String> types = new ArrayList<>();
        ApiContract.gateway().document().path("webhooks").fieldNames().forEachRemaining(types::add);
        assertThat(types).containsExactlyInAnyOrder(DeliveryMessage.EVENT_ANSWERED, DeliveryMessage.EVENT_FAILED,
                DeliveryMessage.EVENT_CANCELLED, QuestionEvent.STARTED, QuestionEvent.PROGRESS, EndpointEvents.PAUSED,
                EndpointEvents.RESUMED, EndpointTests.TYPE);
    }

    @Test
    void everyExampleIsShownInTheApiGuide() throws Exception {
        String guide = Files.readString(Path.of("docs/api.md"));
        List<JsonNode> shown = new ArrayList<>();
        Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        while (blocks.find()) {
            parse(blocks.group(1), shown);
        }
        Matcher curls = Pattern.compile("-d '(\\{.*?})'", Pattern.DOTALL).matcher(guide);
        while (curls.find()) {
            parse(curls.group(1), shown);
        }
        for (ApiContract contract : List.of(ApiContract.gateway(), ApiContract.admin())) {
            for (Iterator<Map.Entry<String, JsonNode>> it = contract.document().path("components").path("examples").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> example = it.next();
                assertThat(shown).as("docs/api.md shows example " + example.getKey()).contains(example.getValue().get("value"));
            }
        }
    }

    @Test
    void theCheckerRefusesAnUndocumentedFieldStatusHeaderOrPath() {
        ApiContract contract = ApiContract.gateway();
        URI webhook = URI.create("http://127.0.0.1:1/webhook");
        Map<String, List<String>> located = Map.of("content-type", List.of("application/json"), "location", List.of("/webhook/" + ID));
        assertThat(contract.checkResponse("POST", webhook, 202, located, ACCEPTED)).isEmpty();

        ObjectNode extra = (ObjectNode) Json.MAPPER.valueToTree(parse(ACCEPTED));
        extra.put("priority", "high");
        assertThat(contract.checkResponse("POST", webhook, 202, located, Json.write(extra))).singleElement().asString()
                .contains("priority");
        assertThat(contract.checkResponse("POST", webhook, 418, located, ACCEPTED)).singleElement().asString()
                .contains("status 418 is not documented");
        assertThat(contract.checkResponse("POST", webhook, 202, Map.of("content-type", List.of("application/json")), ACCEPTED))
                .singleElement().asString().contains("required header Location is missing");
        Map<String, List<String>> odd = new java.util.HashMap<>(located);
        odd.put("x-debug", List.of("1"));
        assertThat(contract.checkResponse("POST", webhook, 202, odd, ACCEPTED)).singleElement().asString()
                .contains("header x-debug is not documented");
        assertThat(contract.checkResponse("POST", webhook, 202, Map.of("content-type", List.of("text/plain"),
                "location", List.of("/webhook/" + ID)), ACCEPTED)).singleElement().asString().contains("media type text/plain");
        assertThat(contract.checkResponse("GET", URI.create("http://127.0.0.1:1/nowhere"), 200, Map.of(), "")).singleElement()
                .asString().contains("no such path");
        assertThat(contract.checkResponse("GET", URI.create("http://127.0.0.1:1/nowhere"), 404,
                Map.of("content-type", List.of("text/html")), "<html>")).singleElement().asString().contains("media type text/html");
        assertThat(contract.checkResponse("PUT", webhook, 202, located, ACCEPTED)).singleElement().asString()
                .contains("lists no PUT");
    }

    @Test
    void theCheckerRefusesAnAcceptedRequestTheDocumentWouldRefuse() {
        ApiContract contract = ApiContract.gateway();
        URI webhook = URI.create("http://127.0.0.1:1/webhook");
        String request = Json.write(contract.document().at("/components/examples/FollowUpRequest/value"));
        assertThat(contract.checkAcceptedRequest("POST", webhook, "application/json", request)).isEmpty();
        assertThat(contract.checkAcceptedRequest("POST", webhook, "application/json", request.replace("q3-review", "x")))
                .singleElement().asString().contains("session_id");
    }

    @Test
    void theCheckerRefusesAWebhookOfAnotherShape() {
        ApiContract contract = ApiContract.gateway();
        JsonNode answered = contract.document().at("/components/examples/QueryAnswered/value");
        Map<String, String> headers = Map.of("Content-Type", "application/json", "webhook-id", "msg_" + ID,
                "webhook-timestamp", "1755163200", "webhook-signature", "v1,Zm9vYmFy", "X-Webhook-Source", "revops-ai-framework",
                "X-Tracking-ID", ID);
        assertThat(contract.checkWebhook(headers, Json.write(answered))).isEmpty();

        ObjectNode changed = answered.deepCopy();
        ((ObjectNode) changed.get("ai_response")).put("model", "claude");
        assertThat(contract.checkWebhook(headers, Json.write(changed))).singleElement().asString().contains("model");
        changed = answered.deepCopy();
        changed.put("type", "query.updated");
        assertThat(contract.checkWebhook(headers, Json.write(changed))).singleElement().asString().contains("no webhook of that type");
        Map<String, String> anonymous = new java.util.HashMap<>(headers);
        anonymous.remove("webhook-id");
        assertThat(contract.checkWebhook(anonymous, Json.write(answered))).singleElement().asString()
                .contains("required header webhook-id is missing");
        Map<String, String> badlySigned = new java.util.HashMap<>(headers);
        badlySigned.put("webhook-signature", "v2 nonsense");
        assertThat(contract.checkWebhook(badlySigned, Json.write(answered))).singleElement().asString()
                .contains("header webhook-signature");
    }

    private static JsonNode example(ApiContract contract, JsonNode example) {
        JsonNode resolved = example.has("$ref") ? contract.document().at(example.get("$ref").asText().substring(1)) : example;
        return resolved.get("value");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void parse(String text, List<JsonNode> into) {
        try {
            into.add(Json.MAPPER.readTree(text));
        } catch (Exception e) {
            // a fragment or a block with "..." in it: not an example
        }
    }

    private interface Visitor {
        void visit(String pointer, JsonNode node);
    }

    private static void walk(JsonNode node, String pointer, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(pointer, node);
            node.fields().forEachRemaining(e -> walk(e.getValue(), pointer + "/" + ApiContract.escape(e.getKey()), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }
}
