package gateway.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookRequestValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-08-13T06:30:00Z", "2025-08-13T06:30:00.360478Z", "2025-08-13T06:30:00.1Z",
            "2025-08-13T06:30:00+02:00", "2025-08-13T06:30:00-05:30", "2025-08-13T06:30:00", "2025-08-13 06:30:00",
            "2025-08-13T06:30", "2025-08-13", "2024-02-29T00:00:00Z"})
    void acceptsWhatTheOriginalAccepted(String timestamp) {
        assertThat(WebhookRequestValidator.isIsoTimestamp(timestamp)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2025-8-13", "2025-08-13T", "2025-08-13T06", "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z", "2025-08-13T24:00:00Z", "2025-08-13T06:60:00Z", "2025-08-13T06:30:00z",
            "2025-08-13T06:30:00 Z", "1692000000", "2025-08-13T06:30:00+2:00", "2023-02-29", " 2025-08-13"})
    void rejectsTheRest(String timestamp) {
        assertThat(WebhookRequestValidator.isIsoTimestamp(timestamp)).isFalse();
    }

    @Test
    void falsyValuesCountAsMissingAsInTheOriginal() {
        ObjectNode request = (ObjectNode) Json.MAPPER.valueToTree(java.util.Map.of(
                "query", 0, "timestamp", false, "source_system", java.util.List.of(), "source_process", "p"));
        assertThatThrownBy(() -> new WebhookRequestValidator().validate(request))
                .isInstanceOf(IntakeRejection.class)
                .hasMessage("Missing required fields: query, timestamp, source_system");
    }

    @Test
    void numbersBeyondDoubleRangeAreNotStringsNotAServerError() throws Exception {
        // found by the intake fuzz: 1e999 is an infinite double whose decimalValue() throws
        ObjectNode request = (ObjectNode) Json.MAPPER.readTree(
                "{\"query\":1e999,\"timestamp\":-1e999,\"source_system\":1e-999,\"source_process\":\"p\"}");
        assertThatThrownBy(() -> new WebhookRequestValidator().validate(request))
                .isInstanceOf(IntakeRejection.class)
                .hasMessage("Missing required fields: source_system"); // 1e-999 is 0.0, falsy as in Python
        request.put("source_system", "s");
        assertThatThrownBy(() -> new WebhookRequestValidator().validate(request))
                .isInstanceOf(IntakeRejection.class)
                .hasMessage("Field 'query' must be a string");
    }

    @Test
    void extraFieldsPassUntouched() {
        ObjectNode request = Json.object().put("query", "q").put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "s").put("source_process", "p").put("extra", 7);
        assertThat(new WebhookRequestValidator().validate(request).get("extra").asInt()).isEqualTo(7);
    }
}
