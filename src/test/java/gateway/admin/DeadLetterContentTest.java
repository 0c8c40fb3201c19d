package gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DeadLetterContentTest {

    @Test
    void aRequestShowsItsSourceAndTheStartOfItsQuestion() {
        String question = "q".repeat(DeadLetterContent.QUESTION_CHARS + 50);
        ObjectNode content = DeadLetterContent.of("{\"query\":\"" + question + "\",\"source_system\":\"crm\","
                + "\"source_process\":\"nightly\",\"session_id\":\"s1\",\"callback_url\":\"https://x.example/h?token=t0k\"}");
        assertThat(content.get("kind").asText()).isEqualTo("request");
        assertThat(content.get("source_system").asText()).isEqualTo("crm");
        assertThat(content.get("session_id").asText()).isEqualTo("s1");
        assertThat(content.get("question").asText()).hasSize(DeadLetterContent.QUESTION_CHARS + 1).endsWith("…");
        assertThat(content.toString()).doesNotContain("t0k").doesNotContain("x.example");
    }

    @Test
    void aDeliveryShowsItsEventAndTargetLabelNeverItsUrlOrAnswer() {
        ObjectNode content = DeadLetterContent.of("{\"message_type\":\"webhook_delivery\",\"status\":\"failed\","
                + "\"webhook_request\":{\"query\":\"Which deals?\",\"source_system\":\"crm\"},\"response\":\"secret answer\","
                + "\"target\":{\"kind\":\"endpoint\",\"webhook_id\":\"msg_1\",\"caller\":\"acme\",\"endpoint\":\"orders\","
                + "\"url\":\"https://hooks.example/in?sig=abc\"}}");
        assertThat(content.get("kind").asText()).isEqualTo("delivery");
        assertThat(content.get("event_type").asText()).isEqualTo("query.failed");
        assertThat(content.get("question").asText()).isEqualTo("Which deals?");
        assertThat(content.toString()).doesNotContain("hooks.example").doesNotContain("sig=abc").doesNotContain("secret answer");
    }

    @Test
    void aBodyThatIsNotTheGatewaysJsonGivesOnlyItsLength() {
        ObjectNode content = DeadLetterContent.of("<html>not json</html>");
        assertThat(content.get("kind").asText()).isEqualTo("unreadable");
        assertThat(content.get("bytes").asInt()).isEqualTo(21);
        assertThat(DeadLetterContent.of("[1,2]").get("kind").asText()).isEqualTo("unreadable");
    }
}
