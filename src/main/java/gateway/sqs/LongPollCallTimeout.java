package gateway.sqs;

import java.time.Duration;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Gives a long poll the time it asks for. SQS holds a {@code ReceiveMessage} with {@code WaitTimeSeconds}
 * open for up to that long before answering an empty queue, so that call's timeout is the wait plus the
 * usual per-call timeout ({@code SQS_CALL_TIMEOUT_MS}); every other call keeps the usual one. Without this,
 * the client-wide 10 s timeout cut every idle 20 s long poll short: an ERROR with a stack trace per
 * consumer every 10 s, and Camel's consumer health checks then reported the instance not ready.
 */
public final class LongPollCallTimeout implements ExecutionInterceptor {

    private final Duration callTimeout;

    public LongPollCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        if (context.request() instanceof ReceiveMessageRequest receive
                && receive.waitTimeSeconds() != null && receive.waitTimeSeconds() > 0) {
            AwsRequestOverrideConfiguration override = receive.overrideConfiguration()
                    .map(AwsRequestOverrideConfiguration::toBuilder)
                    .orElseGet(AwsRequestOverrideConfiguration::builder)
                    .apiCallTimeout(callTimeout.plusSeconds(receive.waitTimeSeconds()))
                    .build();
            return receive.toBuilder().overrideConfiguration(override).build();
        }
        return context.request();
    }
}
