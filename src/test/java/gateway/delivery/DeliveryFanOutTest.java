package gateway.delivery;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryFanOutTest {

    static final String RESULT = "{\"message_type\":\"webhook_delivery\",\"tracking_id\":\"t-1\",\"webhook_id\":\"msg_t-1\","
            + "\"status\":\"answered\",\"webhook_request\":{\"query\":\"q\"},\"response\":\"**a**\"}";

    @Test
    void oneMessagePerTargetEachWithItsOwnWebhookIdAndTarget() throws Exception {
        List<DeliveryTarget> targets = List.of(
                new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, "crm", "answers", "https://crm.example.com/a", "msg_t-1_answers"),
                new DeliveryTarget(DeliveryTarget.Kind.CALLBACK, "crm", null, "https://cb.example.com/x?y=1", "msg_t-1_callback"));
        List<String> messages = new DeliveryFanOut().messages(RESULT, targets);
        assertThat(messages).hasSize(2);
        for (int i = 0; i < 2; i++) {
            DeliveryMessage parsed = DeliveryMessage.parse(messages.get(i));
            assertThat(parsed.webhookId()).isEqualTo(targets.get(i).webhookId());
            assertThat(parsed.target()).isEqualTo(targets.get(i));
            assertThat(parsed.response()).isEqualTo("**a**");
        }
        JsonNode original = Json.MAPPER.readTree(RESULT);
        assertThat(original.has("target")).as("the result itself is left as it was").isFalse();
    }

    @Test
    void noTargetsNoMessages() {
        assertThat(new DeliveryFanOut().messages(RESULT, List.of())).isEmpty();
        assertThat(new DeliveryFanOut().messages(RESULT, null)).isEmpty();
    }

    @Test
    void aMessageWithoutATargetGoesToTheDefaultOneWithItsOwnWebhookId() {
        DeliveryMessage legacy = DeliveryMessage.parse(RESULT);
        assertThat(legacy.target()).isNull();
        assertThat(legacy.targetOrDefault()).isEqualTo(new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, null, "msg_t-1"));
    }

    @Test
    void aBrokenTargetIsAnUnreadableMessage() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode broken = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(RESULT);
        broken.putObject("target").put("kind", "endpoint").put("webhook_id", "w");
        assertThatThrownBy(() -> DeliveryMessage.parse(Json.write(broken)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t-1").hasMessageContaining("no caller");
    }

    @Test
    void labelsNameTheTargetNeverItsUrl() {
        DeliveryTarget endpoint = new DeliveryTarget(DeliveryTarget.Kind.ENDPOINT, "crm", "answers",
                "https://user:pw@crm.example.com/a?token=s3cret", "w");
        assertThat(endpoint.label()).isEqualTo("crm/answers");
        assertThat(endpoint.callerLabel()).isEqualTo("crm");
        assertThat(endpoint.endpointLabel()).isEqualTo("answers");
        assertThat(endpoint.shownUrl()).isEqualTo("https://crm.example.com/a");
        assertThat(new DeliveryTarget(DeliveryTarget.Kind.DEFAULT, null, null, "https://x.example.com/", "w").label()).isEqualTo("default");
        assertThat(DeliveryTarget.fromJson(endpoint.toJson())).isEqualTo(endpoint);
    }

    @Test
    void theExcerptIsAtMostOneKilobyteAndNeverCutsACharacter() {
        assertThat(AttemptReport.excerpt(null)).isNull();
        assertThat(AttemptReport.excerpt("")).isNull();
        assertThat(AttemptReport.excerpt("{\"ok\":true}")).isEqualTo("{\"ok\":true}");
        String euros = "€".repeat(1000);
        String cut = AttemptReport.excerpt(euros);
        assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024).isGreaterThan(1020);
        assertThat(cut).matches("€+");
    }
}
