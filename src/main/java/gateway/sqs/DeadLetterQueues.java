package gateway.sqs;

/**
 * The naming rule of the dead-letter queues: each work queue's is {@code <queue>-dlq} (the routes' endpoints
 * {@code aws2-sqs:{{gateway.queue.requests}}-dlq}, the CloudFormation template and the local stand-ins follow it).
 */
public final class DeadLetterQueues {

    public static final String SUFFIX = "-dlq";

    private DeadLetterQueues() {
    }

    public static String of(String queue) {
        return queue + SUFFIX;
    }
}
