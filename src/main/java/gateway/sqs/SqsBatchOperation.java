package gateway.sqs;

/** What an {@code sqs-batch} endpoint does with each exchange (names as {@code aws2-sqs} spells them). */
public enum SqsBatchOperation {
    sendMessage,
    deleteMessage,
    changeMessageVisibility
}
