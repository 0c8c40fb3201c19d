package gateway.intake;

import gateway.agent.AgentSessions;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A request's FIFO group is its agent session: the caller's session, else its own tracking id. */
class RequestGroupsTest {

    @Test
    void theGroupIsTheAgentSessionOfTheCallersSessionId() throws Exception {
        var request = Json.MAPPER.readTree("{\"query\":\"q\",\"session_id\":\"conv-1\"}");
        assertThat(RequestGroups.agentSession(null, "crm", request, "t-1"))
                .isEqualTo(AgentSessions.agentSessionId("crm", "conv-1", "t-1"))
                .isEqualTo(RequestGroups.agentSession(null, "crm", request, "t-2"))
                .isNotEqualTo(RequestGroups.agentSession(null, "erp", request, "t-1"));
    }

    @Test
    void withoutASessionTheGroupIsTheTrackingIdAndAnEarlierStepsSessionWins() throws Exception {
        var request = Json.MAPPER.readTree("{\"query\":\"q\"}");
        assertThat(RequestGroups.agentSession(null, "crm", request, "t-1")).isEqualTo("t-1");
        assertThat(RequestGroups.agentSession(null, "crm", Json.MAPPER.readTree("{\"session_id\":7}"), "t-1")).isEqualTo("t-1");
        assertThat(RequestGroups.agentSession("s-known", "crm", request, "t-1")).isEqualTo("s-known");
    }
}
