package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.render.MarkdownPlainText;
import org.junit.jupiter.api.Test;

class DeliveryPayloadTest {

    private static final Instant NOW = Instant.parse("2025-11-03T10:15:30.123456Z");
    private final ObjectMapper mapper = new ObjectMapper();
    private final DeliveryPayload payload = new DeliveryPayload(mapper, new MarkdownPlainText());

    static final String ANSWERED = """
            {"message_type":"webhook_delivery",
             "tracking_id":"6f1c2a9e-0b7d-4c1e-9a43-2f7d1e0c5b11",
             "webhook_id":"msg_6f1c2a9e0b7d4c1e9a432f7d1e0c5b11",
             "status":"answered",
             "webhook_request":{"query":"How is the EMEA pipeline?","timestamp":"2025-11-03T10:00:00Z",
                                "source_system":"crm","source_process":"weekly_review","priority":"high"},
             "response":"**EMEA** is at €1.8M 🎉",
             "response_plain":"EMEA is at €1.8M 🎉",
             "session_id":"6f1c2a9e-0b7d-4c1e-9a43-2f7d1e0c5b11",
             "answered_at":"2025-11-03T10:12:00Z",
             "queued_at":"2025-11-03T10:00:01Z",
             "agent_duration_ms":718000}
            """;

    static final String FAILED = """
            {"message_type":"webhook_delivery",
             "tracking_id":"0d3f7c55-1111-4222-8333-944455556666",
             "webhook_id":"msg_0d3f7c55",
             "status":"failed",
             "webhook_request":{"query":"q","timestamp":"2025-11-03T10:00:00Z","source_system":"zapier","source_process":"p"},
             "response":null,"response_plain":null,
             "session_id":"0d3f7c55-1111-4222-8333-944455556666",
             "answered_at":"2025-11-03T10:05:00Z","queued_at":"2025-11-03T10:00:01Z",
             "error":{"code":"agent_throttled","message":"The agent was throttled; retries exhausted."},
             "agent_duration_ms":4100}
            """;

    @Test
    void answeredQueryHasTheSeedShapeInAStableOrder() throws Exception {
        String body = build(ANSWERED);

        assertThat(body).isEqualTo("{\"type\":\"query.answered\",\"status\":\"answered\","
                + "\"tracking_id\":\"6f1c2a9e-0b7d-4c1e-9a43-2f7d1e0c5b11\","
                + "\"source_system\":\"crm\",\"source_process\":\"weekly_review\","
                + "\"original_query\":\"How is the EMEA pipeline?\","
                + "\"ai_response\":{\"response\":\"**EMEA** is at €1.8M 🎉\",\"response_plain\":\"EMEA is at €1.8M 🎉\","
                + "\"session_id\":\"6f1c2a9e-0b7d-4c1e-9a43-2f7d1e0c5b11\",\"timestamp\":\"2025-11-03T10:12:00Z\"},"
                + "\"webhook_metadata\":{\"delivered_at\":\"2025-11-03T10:15:30.123Z\"}}");
        JsonNode json = mapper.readTree(body);
        assertThat(json.has("error")).isFalse();
        assertThat(body).doesNotContain("webhook_url").doesNotContain("priority");
    }

    @Test
    void failedQueryIsDeliveredWithAnErrorAndNullResponses() throws Exception {
        JsonNode json = mapper.readTree(build(FAILED));

        assertThat(fieldNames(json)).containsExactly("type", "status", "tracking_id", "source_system",
                "source_process", "original_query", "ai_response", "webhook_metadata", "error");
        assertThat(json.get("type").asText()).isEqualTo("query.failed");
        assertThat(json.get("status").asText()).isEqualTo("failed");
        JsonNode ai = json.get("ai_response");
        assertThat(fieldNames(ai)).containsExactly("response", "response_plain", "session_id", "timestamp");
        assertThat(ai.get("response").isNull()).isTrue();
        assertThat(ai.get("response_plain").isNull()).isTrue();
        assertThat(ai.get("session_id").asText()).isEqualTo("0d3f7c55-1111-4222-8333-944455556666");
        assertThat(json.get("error").toString())
                .isEqualTo("{\"code\":\"agent_throttled\",\"message\":\"The agent was throttled; retries exhausted.\"}");
    }

    @Test
    void failureWithoutAnErrorObjectGetsAGenericOne() throws Exception {
        String message = FAILED.replaceAll("\"error\":\\{[^}]*},", "");
        JsonNode json = mapper.readTree(build(message));
        assertThat(json.at("/error/code").asText()).isEqualTo("unknown_error");
        assertThat(json.at("/error/message").asText()).isEqualTo("The query could not be answered.");
    }

    @Test
    void failedStatusNeverLeaksAStrayResponse() throws Exception {
        String message = FAILED.replace("\"response\":null", "\"response\":\"partial **draft**\"");
        assertThat(mapper.readTree(build(message)).at("/ai_response/response").isNull()).isTrue();
    }

    @Test
    void rendersPlainTextWhenTheMessageHasNone() throws Exception {
        String message = ANSWERED.replace("\"response_plain\":\"EMEA is at €1.8M 🎉\",", "");
        assertThat(mapper.readTree(build(message)).at("/ai_response/response_plain").asText())
                .isEqualTo("EMEA is at €1.8M 🎉");
    }

    @Test
    void missingOptionalFieldsBecomeNullsNotOmissions() throws Exception {
        String minimal = "{\"tracking_id\":\"t-1\",\"status\":\"answered\",\"response\":\"ok\"}";
        JsonNode json = mapper.readTree(build(minimal));
        assertThat(fieldNames(json)).containsExactly("type", "status", "tracking_id", "source_system",
                "source_process", "original_query", "ai_response", "webhook_metadata");
        assertThat(json.get("source_system").isNull()).isTrue();
        assertThat(json.at("/ai_response/response_plain").asText()).isEqualTo("ok");
    }

    @Test
    void parsesTheDeliveryMessage() {
        DeliveryMessage message = DeliveryMessage.parse(ANSWERED);
        assertThat(message.trackingId()).isEqualTo("6f1c2a9e-0b7d-4c1e-9a43-2f7d1e0c5b11");
        assertThat(message.webhookId()).isEqualTo("msg_6f1c2a9e0b7d4c1e9a432f7d1e0c5b11");
        assertThat(message.status()).isEqualTo("answered");
        assertThat(message.agentDurationMs()).isEqualTo(718000L);
        assertThat(message.queuedAt()).isEqualTo("2025-11-03T10:00:01Z");
        assertThat(message.toString()).contains("6f1c2a9e").doesNotContain("EMEA").doesNotContain("pipeline");

        assertThat(DeliveryMessage.parse("{\"tracking_id\":\"abc\",\"status\":\"failed\"}").webhookId())
                .as("stable id derived from the tracking id").isEqualTo("msg_abc");
    }

    @Test
    void rejectsWhatIsNotADeliveryMessage() {
        assertThatThrownBy(() -> build("{\"query\": \"secret plans\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("secret plans");
        assertThatThrownBy(() -> build("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> build(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> build("{\"message_type\":\"webhook_processing_request\",\"tracking_id\":\"t\"}"))
                .hasMessageContaining("message_type=webhook_processing_request");
        assertThatThrownBy(() -> build("{\"status\":\"answered\"}")).hasMessageContaining("no tracking_id");
        assertThatThrownBy(() -> build("{\"tracking_id\":\"t\",\"status\":\"queued\"}"))
                .hasMessageContaining("status queued");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The webhook body for a deliveries-queue message, delivered at {@link #NOW}. */
    private String build(String deliveryMessage) {
        return payload.build(DeliveryMessage.parse(deliveryMessage), NOW);
    }
}
