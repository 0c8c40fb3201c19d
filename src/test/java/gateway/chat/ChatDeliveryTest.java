package gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import gateway.delivery.DeliveryMessage;
import org.junit.jupiter.api.Test;

class ChatDeliveryTest {

    private static DeliveryMessage message(boolean answered, boolean cancelled) {
        return new DeliveryMessage("trk-1", "msg_1", answered, cancelled, "Which deals?", "crm", " weekly ", "**Three**",
                "Three", "s-1", null, null, answered ? null : "agent_timeout", answered ? null : "The agent timed out", false,
                null, null);
    }

    @Test
    void aDeliveryMessageAsAChatDelivery() {
        ChatDelivery answered = ChatDelivery.of(message(true, false));
        assertEquals(ChatDelivery.Status.ANSWERED, answered.status());
        assertEquals("**Three**", answered.answerMarkdown());
        assertNull(answered.errorMessage());
        assertEquals("crm / weekly", answered.source());

        ChatDelivery failed = ChatDelivery.of(message(false, false));
        assertEquals(ChatDelivery.Status.FAILED, failed.status());
        assertEquals("", failed.answerMarkdown());
        assertEquals("The agent timed out", failed.errorMessage());

        assertEquals(ChatDelivery.Status.CANCELLED, ChatDelivery.of(message(false, true)).status());
    }

    @Test
    void theSourceIsWhatIsThere() {
        assertEquals("", new ChatDelivery("q", null, null, null, " ", ChatDelivery.Status.ANSWERED, null).source());
        assertEquals("p", new ChatDelivery("q", null, null, null, "p", ChatDelivery.Status.ANSWERED, null).source());
        assertEquals("answered", ChatDelivery.Status.ANSWERED.word());
    }
}
