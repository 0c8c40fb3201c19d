package gateway.sqs;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

/**
 * The FIFO group and deduplication id of a message the gateway sends again (to its DLQ, or rewritten on it). The group
 * is the received message's own ({@code MessageGroupId}, the agent session): a message put back keeps its session. The
 * deduplication id is the received message's id, so two sends of the same receive within SQS's 5 minutes leave one
 * copy, and never an unrelated one (the intake's deduplication id is the tracking id).
 */
public final class MessageGroups {

    /** Exchange property: the received message's {@code MessageGroupId}, kept before its SQS headers are replaced. */
    public static final String GROUP = "sqs_message_group_id";
    /** Exchange property: the received message's id, kept likewise. */
    public static final String RECEIVED_MESSAGE_ID = "sqs_received_message_id";

    private MessageGroups() {
    }

    /** Keeps the group and id of the message just received (its aws2-sqs headers) for a later {@link #resend}. */
    public static void received(Exchange exchange) {
        DeadLetters.systemAttribute(exchange, "MessageGroupId").ifPresent(group -> exchange.setProperty(GROUP, group));
        String id = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        if (id != null) {
            exchange.setProperty(RECEIVED_MESSAGE_ID, id);
        }
    }

    /**
     * The {@code sqs-batch} headers of a send of the received message to a FIFO queue. Without a known group (a message
     * of a standard queue) the tracking id stands in for it, as the intake would have chosen; without that, the id.
     */
    public static void resend(Exchange exchange) {
        String id = exchange.getProperty(RECEIVED_MESSAGE_ID, exchange.getExchangeId(), String.class);
        String group = exchange.getProperty(GROUP, String.class);
        if (group == null) {
            group = exchange.getProperty(FlowProperties.TRACKING_ID, id, String.class);
        }
        exchange.getMessage().setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, group);
        exchange.getMessage().setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, id);
    }
}
