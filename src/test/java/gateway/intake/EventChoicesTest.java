package gateway.intake;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.delivery.DeliveryTarget;
import gateway.delivery.DeliveryTargets;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request's {@code events} (for its {@code callback_url} only) and {@code stream_answer}: what is accepted, the 400 for
 * the rest, and the callback getting only the final events it chose.
 */
class EventChoicesTest {

    final EventChoices choices = new EventChoices();

    static JsonNode request(String extra) throws Exception {
        return Json.MAPPER.readTree("{\"query\":\"q\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    @Test
    void aCallbackMayChooseAnyOfTheQuestionsEventsAndAnyRequestMayAskForTheAnswerStreamed() throws Exception {
        choices.check(request("\"callback_url\":\"https://cb.example.com/x\",\"events\":[\"query.started\",\"query.progress\",\"query.failed\"]"));
        choices.check(request("\"stream_answer\":true"));
        choices.check(request("\"stream_answer\":false,\"events\":null"));
        choices.check(request(""));
    }

    @Test
    void eventsWithoutACallbackOrOfAnotherKindAndAStreamAnswerThatIsNotABooleanAre400() {
        for (String extra : List.of("\"events\":[\"query.started\"]",
                "\"callback_url\":\"https://cb.example.com/x\",\"events\":[]",
                "\"callback_url\":\"https://cb.example.com/x\",\"events\":\"query.started\"",
                "\"callback_url\":\"https://cb.example.com/x\",\"events\":[\"endpoint.paused\"]",
                "\"callback_url\":\"https://cb.example.com/x\",\"events\":[\"query.answer_part\"]",
                "\"callback_url\":\"https://cb.example.com/x\",\"events\":[1]",
                "\"stream_answer\":\"yes\"", "\"stream_answer\":1")) {
            assertThatThrownBy(() -> choices.check(request(extra))).as(extra).isInstanceOfSatisfying(IntakeRejection.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void theCallbackGetsTheFinalEventOnlyWhenItChoseIt() {
        DeliveryTargets targets = new DeliveryTargets(null, "", null);
        String answered = "{\"tracking_id\":\"t-1\",\"webhook_id\":\"msg_t-1\",\"status\":\"answered\",\"webhook_request\":"
                + "{\"callback_url\":\"https://cb.example.com/x\",\"events\":[%s]}}";
        assertThat(targets.select(answered.formatted("\"query.started\",\"query.answered\""), "crm"))
                .extracting(DeliveryTarget::webhookId).containsExactly("msg_t-1_callback");
        assertThat(targets.select(answered.formatted("\"query.started\",\"query.failed\""), "crm")).isEmpty();
        assertThat(targets.select(answered.replace(",\"events\":[%s]", ""), "crm")).hasSize(1);
    }
}
