package gateway.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

class JsonLimitsTest {

    final JsonLimits limits = new JsonLimits(4, 6, 10);

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(text);
    }

    @Test
    void depthCountsObjectsAndArraysFromTheTopLevelObject() throws Exception {
        assertThatCode(() -> limits.check(json("{\"a\":{\"b\":[{\"c\":1}]}}"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.check(json("{\"a\":{\"b\":[{\"c\":[]}]}}")))
                .isInstanceOfSatisfying(IntakeRejection.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("JSON nested too deeply (limit 4 levels)");
        assertThatThrownBy(() -> limits.check(json("{\"a\":[[[[1]]]]}"))).hasMessageContaining("nested too deeply");
    }

    @Test
    void fieldsAreCountedInEveryObject() throws Exception {
        assertThatThrownBy(() -> limits.check(json("{\"a\":1,\"b\":{\"c\":1,\"d\":2},\"e\":[{\"f\":1,\"g\":2}]}")))
                .isInstanceOfSatisfying(IntakeRejection.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("Too many JSON fields (limit 6)");
        assertThatCode(() -> limits.check(json("{\"a\":1,\"b\":{\"c\":1,\"d\":2},\"e\":[{\"f\":1}]}")))
                .doesNotThrowAnyException();
    }

    @Test
    void queryLengthInCharacters() throws Exception {
        assertThatCode(() -> limits.check(json("{\"query\":\"0123456789\"}"))).doesNotThrowAnyException();
        assertThatCode(() -> limits.check(json("{\"query\":\"" + "\uD83D\uDE00".repeat(10) + "\"}")))
                .as("ten emoji are ten characters").doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.check(json("{\"query\":\"0123456789x\"}")))
                .isInstanceOfSatisfying(IntakeRejection.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessage("Query too long (limit 10 characters)");
    }
}
