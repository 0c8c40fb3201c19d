package gateway.sqs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.ScheduledPollConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Long polls on a connection pool of their own, so that a stop need not wait for them. A consumer's
 * {@code ReceiveMessage} with {@code WaitTimeSeconds} holds its connection for up to that long on an
 * empty queue, and Camel's shutdown counts a consumer that is polling as having a pending exchange: an
 * idle instance took a whole long poll (20 s) to stop. The gateway's {@code sqsClient} is this view:
 * long polls go to {@code longPolls}, every other call (sends, deletes, the visibility renewals of the
 * messages still being worked on) to {@code calls}. {@link #endLongPolls()}, called when the context
 * starts to stop, closes the long-poll pool: a poll under way ends at once and no new one starts, while
 * work in flight keeps its own pool for the grace period. A message SQS was handing out in that very
 * instant comes back after the consumer's visibility timeout, as after a crash: nothing is lost.
 */
public final class LongPolls implements InvocationHandler {

    private final SqsClient calls;
    private final SqsClient longPolls;
    private final AtomicBoolean ended = new AtomicBoolean();

    private LongPolls(SqsClient calls, SqsClient longPolls) {
        this.calls = calls;
        this.longPolls = longPolls;
    }

    /** The client the gateway uses: {@code longPolls} for long polls, {@code calls} for the rest. */
    public static SqsClient separate(SqsClient calls, SqsClient longPolls) {
        return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                new LongPolls(calls, longPolls));
    }

    /** Ends the long polls of a client made by {@link #separate}: the one under way and every later one. */
    public static void endLongPolls(SqsClient client) {
        if (Proxy.isProxyClass(client.getClass()) && Proxy.getInvocationHandler(client) instanceof LongPolls polls
                && polls.ended.compareAndSet(false, true)) {
            polls.longPolls.close();
        }
    }

    /** Waits (at most {@code max}) until no polling consumer of {@code context} is in the middle of a poll. */
    public static void awaitPollsEnded(CamelContext context, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (Route route : context.getRoutes()) {
            if (route.getConsumer() instanceof ScheduledPollConsumer consumer) {
                while (consumer.isPolling() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Whether {@link #endLongPolls} was called: a failed poll after it is the stop, not an outage. */
    public static boolean ended(SqsClient client) {
        return Proxy.isProxyClass(client.getClass()) && Proxy.getInvocationHandler(client) instanceof LongPolls polls
                && polls.ended.get();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "SqsClient(long polls separate)";
            };
        }
        if (method.getName().equals("close")) {
            endLongPolls((SqsClient) proxy);
            calls.close();
            return null;
        }
        SqsClient target = isLongPoll(method, args) ? longPolls : calls;
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean isLongPoll(Method method, Object[] args) {
        if (!method.getName().equals("receiveMessage") || args == null || args.length != 1) {
            return false;
        }
        ReceiveMessageRequest receive = args[0] instanceof Consumer<?> builder
                ? ReceiveMessageRequest.builder().applyMutation((Consumer<ReceiveMessageRequest.Builder>) builder).build()
                : (ReceiveMessageRequest) args[0];
        return receive.waitTimeSeconds() != null && receive.waitTimeSeconds() > 0;
    }
}
