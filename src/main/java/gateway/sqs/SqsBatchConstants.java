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

    private SqsBatchConstants() {
    }
}
