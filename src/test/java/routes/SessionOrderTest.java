package routes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ProbedAgentEmulator.CallEvent;
import gateway.testing.ProbedAgentEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Order within a session, end to end on the real app (embedded FIFO requests queue, the agent emulator through the
 * real SDK client): a session's follow-up reaches the agent only after its first question's call has ended, while
 * a question of another session is not held up by them. Only the order of the calls' recorded starts and ends is
 * asserted, never a duration.
 */
class SessionOrderTest {

    static GatewayTestApp app;
    static ProbedAgentEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start(Map.of());
        emulator = app.agent();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theQuestionsOfOneSessionReachTheAgentOneAtATimeInOrderAndOtherSessionsDoNotWait() throws Exception {
        String first = "[emulator:latency=1500] Which deals close this quarter?";
        String followUp = "And which of them are at risk?";
        String other = "What is the deal status for IXIS?";
        post(first, "crm-conversation-1");
        post(followUp, "crm-conversation-1");
        // the other session's question once the first call is under way: it must not wait for it to end
        await().atMost(Duration.ofSeconds(30)).until(() -> started(first) != null);
        post(other, "crm-conversation-2");

        await().atMost(Duration.ofSeconds(60)).until(() -> ended(first) != null && ended(followUp) != null
                && ended(other) != null);
        assertThat(started(followUp).order()).as("the follow-up's call starts after the first one's ended: %s", emulator.callLog())
                .isGreaterThan(ended(first).order());
        assertThat(started(other).order()).as("another session's call starts while the first one runs: %s", emulator.callLog())
                .isBetween(started(first).order(), ended(first).order());
    }

    private static void post(String query, String sessionId) throws Exception {
        var body = Json.object().put("source_process", "crm").put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("query", query).put("session_id", sessionId);
        assertThat(app.postJson("/webhook", body.toString()).statusCode()).isEqualTo(202);
    }

    private static CallEvent started(String query) {
        return event(query, true);
    }

    private static CallEvent ended(String query) {
        return event(query, false);
    }

    private static CallEvent event(String query, boolean start) {
        List<CallEvent> log = emulator.callLog();
        return log.stream().filter(e -> e.start() == start && e.inputText() != null && e.inputText().contains(query))
                .findFirst().orElse(null);
    }
}
