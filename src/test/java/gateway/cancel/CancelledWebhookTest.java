package gateway.cancel;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.agent.InFlightCalls;
import gateway.callers.CallerWebhook;
import gateway.delivery.DeliveryMessage;
import gateway.delivery.DeliveryPayload;
import gateway.render.MarkdownPlainText;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The query.cancelled webhook's shape, its event type for endpoint filters, and the registry of calls to abort. */
class CancelledWebhookTest {

    static final String MESSAGE = """
            {"message_type":"webhook_delivery","tracking_id":"t-1","webhook_id":"msg_t-1","status":"cancelled",
             "webhook_request":{"query":"Which deals?","source_system":"crm","source_process":"review"},
             "response":null,"response_plain":null,"session_id":"t-1","answered_at":"2026-12-01T10:00:01Z"}""";

    @Test
    void aCancelledQueryHasItsOwnTypeAndStatusNoAnswerAndNoError() throws Exception {
        DeliveryMessage message = DeliveryMessage.parse(MESSAGE);
        assertThat(message.cancelled()).isTrue();
        assertThat(message.answered()).isFalse();
        assertThat(message.eventType()).isEqualTo("query.cancelled");
        assertThat(message.toString()).doesNotContain("error");

        JsonNode body = new ObjectMapper().readTree(new DeliveryPayload(new ObjectMapper(), new MarkdownPlainText())
                .build(message, Instant.parse("2026-12-01T10:00:02Z")));
        assertThat(body.path("type").asText()).isEqualTo("query.cancelled");
        assertThat(body.path("status").asText()).isEqualTo("cancelled");
        assertThat(body.path("original_query").asText()).isEqualTo("Which deals?");
        assertThat(body.path("ai_response").path("response").isNull()).isTrue();
        assertThat(body.path("ai_response").path("response_plain").isNull()).isTrue();
        assertThat(body.has("error")).isFalse();
    }

    @Test
    void endpointsMayNameQueryCancelledAndEveryEventIncludesIt() {
        assertThat(CallerWebhook.EVENT_TYPES).contains("query.cancelled");
        assertThat(DeliveryMessage.eventType("cancelled")).isEqualTo("query.cancelled");
        assertThat(DeliveryMessage.eventType("answered")).isEqualTo("query.answered");
        assertThat(DeliveryMessage.eventType("failed")).isEqualTo("query.failed");
    }

    @Test
    void anAbortReachesEveryCallOfTheQuestionInFlightHereAndNoOther() {
        InFlightCalls calls = new InFlightCalls();
        AtomicInteger aborted = new AtomicInteger();
        Runnable first = aborted::incrementAndGet;
        Runnable duplicate = aborted::incrementAndGet;
        Runnable other = () -> aborted.addAndGet(100);
        calls.register("t-1", first);
        calls.register("t-1", duplicate);
        calls.register("t-2", other);

        assertThat(calls.abort("t-1")).isEqualTo(2);
        assertThat(aborted.get()).isEqualTo(2);
        calls.unregister("t-1", first);
        calls.unregister("t-1", duplicate);
        assertThat(calls.inFlight("t-1")).isFalse();
        assertThat(calls.abort("t-1")).isZero();
        assertThat(calls.inFlight("t-2")).isTrue();
        assertThat(calls.abort(null)).isZero();
    }
}
