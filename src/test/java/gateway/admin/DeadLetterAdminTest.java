package gateway.admin;

import java.util.HashMap;
import java.util.Map;

import gateway.sqs.DeadLetters;
import gateway.sqs.SqsBatchConstants;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter shaped for its redrive: a FIFO one goes back in its own group (its session), deduplicated by its id. */
class DeadLetterAdminTest {

    static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Test
    void aFifoDeadLetterIsRedrivenInItsOwnGroupDeduplicatedByItsDlqMessageId() {
        Message dead = Message.builder().messageId("dlq-msg-1").receiptHandle("handle-1").body("{}")
                .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "s-abc"))
                .messageAttributes(Map.of("tracking_id", string("t-1"), DeadLetters.REASON, string("boom"))).build();
        Map<String, Object> headers = new HashMap<>();

        assertThat(DeadLetterAdmin.redriven(dead, headers)).isEqualTo("{}");
        assertThat(headers).containsEntry(SqsBatchConstants.MESSAGE_GROUP_ID, "s-abc")
                .containsEntry(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, "dlq-msg-1")
                .containsEntry(SqsBatchConstants.RECEIPT_HANDLE, "handle-1")
                .containsEntry("tracking_id", "t-1").containsEntry(DeadLetters.REDRIVES, "1")
                .doesNotContainKey(DeadLetters.REASON);
    }

    @Test
    void aStandardDeadLetterGetsNoGroup() {
        Message dead = Message.builder().messageId("dlq-msg-2").receiptHandle("handle-2").body("{}").build();
        Map<String, Object> headers = new HashMap<>();

        DeadLetterAdmin.redriven(dead, headers);
        assertThat(headers).doesNotContainKeys(SqsBatchConstants.MESSAGE_GROUP_ID, SqsBatchConstants.MESSAGE_DEDUPLICATION_ID);
    }
}
