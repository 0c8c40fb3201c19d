package gateway.sqs;

import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.spi.Metadata;

/** The headers an {@code sqs-batch} endpoint reads and writes (its {@code headersClass}): named as {@code aws2-sqs} names them. */
public final class SqsBatchConstants {

    @Metadata(description = "deleteMessage, changeMessageVisibility: the receipt handle of the message (set by the aws2-sqs consumer).",
            javaType = "String")
    public static final String RECEIPT_HANDLE = Sqs2Constants.RECEIPT_HANDLE;
    @Metadata(description = "changeMessageVisibility: the message's new visibility timeout, in seconds.", javaType = "Integer")
    public static final String VISIBILITY_TIMEOUT = "CamelAwsSqsVisibilityTimeout";
    @Metadata(description = "sendMessage, out: the id of the message sent.", javaType = "String")
    public static final String MESSAGE_ID = Sqs2Constants.MESSAGE_ID;
    @Metadata(description = "sendMessage to a FIFO queue: the message's group (SQS hands out a group's messages one at a "
            + "time, in order). Not a message attribute.", javaType = "String")
    public static final String MESSAGE_GROUP_ID = "CamelSqsBatchMessageGroupId";
    @Metadata(description = "sendMessage to a FIFO queue: the message's deduplication id (a second send with it within "
            + "5 minutes is accepted and dropped). Not a message attribute.", javaType = "String")
    public static final String MESSAGE_DEDUPLICATION_ID = "CamelSqsBatchMessageDeduplicationId";

    private SqsBatchConstants() {
    }
}
