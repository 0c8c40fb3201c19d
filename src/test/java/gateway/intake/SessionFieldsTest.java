package gateway.intake;

import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SessionFieldsTest {

    static final SessionFields FIELDS = new SessionFields(3, 64, false);
    static final String TRACKING_ID = "0d3f7c55-1111-4222-8333-944455556666";

    @Test
    void aSessionIdMakesTheCallersOwnAgentSession() {
        Exchange exchange = check(FIELDS, request().put("session_id", "deal.review:Q3-2025_1"), "crm");

        String agentSession = exchange.getProperty(FlowProperties.AGENT_SESSION_ID, String.class);
        assertThat(agentSession).isEqualTo(AgentSessions.agentSessionId("crm", "deal.review:Q3-2025_1", TRACKING_ID))
                .isNotEqualTo(AgentSessions.agentSessionId("erp", "deal.review:Q3-2025_1", TRACKING_ID));
        assertThat(AgentSessions.isDerived(agentSession)).isTrue();
    }

    @Test
    void withoutASessionIdTheSessionIsTheTrackingId() {
        assertThat(check(FIELDS, request(), "crm").getProperty(FlowProperties.AGENT_SESSION_ID)).isEqualTo(TRACKING_ID);
        assertThat(check(FIELDS, request().putNull("session_id"), null).getProperty(FlowProperties.AGENT_SESSION_ID))
                .isEqualTo(TRACKING_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "x", "with space", "slash/es", "ümlaut", "tab\t" })
    void aSessionIdOutsideBedrocksRuleIs400(String sessionId) {
        assertRefused(FIELDS, request().put("session_id", sessionId), 400, "Field 'session_id' must be a string of 2-100 characters");
    }

    @Test
    void aSessionIdOfTheWrongTypeOrLengthIs400() {
        assertRefused(FIELDS, request().put("session_id", 7), 400, "Field 'session_id'");
        assertRefused(FIELDS, request().put("session_id", "a".repeat(101)), 400, "Field 'session_id'");
        ObjectNode object = request();
        object.putObject("session_id");
        assertRefused(FIELDS, object, 400, "Field 'session_id'");
        check(FIELDS, request().put("session_id", "a".repeat(100)), null);
        check(FIELDS, request().put("session_id", "ab"), null);
    }

    @Test
    void attributesAreObjectsOfStringsWithBoundedKeys() {
        ObjectNode ok = request();
        ok.putObject("session_attributes").put("a", "1").put("k".repeat(100), "").put("😀", "v");
        ok.putObject("prompt_session_attributes").put("today", "Monday");
        check(new SessionFields(3, 1024, false), ok, null);

        ObjectNode array = request();
        array.putArray("session_attributes").add("a");
        assertRefused(FIELDS, array, 400, "Field 'session_attributes' must be a JSON object whose values are strings");
        ObjectNode nested = request();
        nested.putObject("prompt_session_attributes").putObject("a").put("b", "c");
        assertRefused(FIELDS, nested, 400, "Field 'prompt_session_attributes' must be a JSON object whose values are strings");
        ObjectNode nullValue = request();
        nullValue.putObject("session_attributes").putNull("a");
        assertRefused(FIELDS, nullValue, 400, "must be a JSON object whose values are strings");
        ObjectNode emptyKey = request();
        emptyKey.putObject("session_attributes").put("", "v");
        assertRefused(FIELDS, emptyKey, 400, "Field 'session_attributes': keys must be 1-100 characters");
        ObjectNode longKey = request();
        longKey.putObject("session_attributes").put("😀".repeat(101), "v");
        assertRefused(FIELDS, longKey, 400, "keys must be 1-100 characters");
    }

    @Test
    void tooManyKeysIs400AndTooLargeIs413() {
        ObjectNode many = request();
        ObjectNode attributes = many.putObject("session_attributes");
        IntStream.rangeClosed(1, 4).forEach(i -> attributes.put("k" + i, "v"));
        assertRefused(FIELDS, many, 400, "Field 'session_attributes' has more than 3 keys");

        ObjectNode large = request();
        large.putObject("prompt_session_attributes").put("k", "x".repeat(56)); // {"k":"...56..."} is 64 bytes
        check(FIELDS, large, null);
        large.putObject("prompt_session_attributes").put("k", "x".repeat(57));
        assertRefused(FIELDS, large, 413, "Field 'prompt_session_attributes' is too large (limit 64 bytes of JSON)");
        large.putObject("prompt_session_attributes").put("k", "€".repeat(20)); // 26 chars, 68 bytes
        assertRefused(FIELDS, large, 413, "too large");
    }

    @Test
    void knowledgeBaseModeRefusesAttributesButTakesASessionId() {
        SessionFields kb = new SessionFields(3, 64, true);
        ObjectNode body = request().put("session_id", "kb-1");
        check(kb, body, null);
        body.putObject("session_attributes").put("a", "b");
        assertRefused(kb, body, 400, "session attributes are not supported in knowledge-base mode");
        ObjectNode prompt = request();
        prompt.putObject("prompt_session_attributes");
        assertRefused(kb, prompt, 400, "session attributes are not supported in knowledge-base mode");
    }

    @Test
    void theAgentStageReadsTheFieldsBack() {
        ObjectNode body = request().put("session_id", "s-1");
        body.putObject("session_attributes").put("b", "2").put("a", "1");
        assertThat(SessionFields.callerSessionId(body)).isEqualTo("s-1");
        assertThat(SessionFields.sessionAttributes(body)).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
        assertThat(SessionFields.promptSessionAttributes(body)).isNull();
        assertThat(SessionFields.agentSessionId(body, "crm", TRACKING_ID)).isEqualTo(AgentSessions.agentSessionId("crm", "s-1", TRACKING_ID));
        assertThat(SessionFields.agentSessionId(request(), "crm", TRACKING_ID)).isEqualTo(TRACKING_ID);
        assertThat(SessionFields.callerSessionId(null)).isNull();
    }

    private static ObjectNode request() {
        return Json.object().put("query", "q").put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "p");
    }

    private static Exchange check(SessionFields fields, ObjectNode body, String caller) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(FlowProperties.TRACKING_ID, TRACKING_ID);
        exchange.setProperty(FlowProperties.CALLER, caller);
        fields.check(body, exchange);
        return exchange;
    }

    private static void assertRefused(SessionFields fields, ObjectNode body, int status, String message) {
        IntakeRejection rejection = catchThrowableOfType(() -> check(fields, body, "crm"), IntakeRejection.class);
        assertThat(rejection).as("refused").isNotNull();
        assertThat(rejection.status()).isEqualTo(status);
        assertThat(rejection.getMessage()).contains(message);
    }
}
