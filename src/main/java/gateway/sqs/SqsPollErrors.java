package gateway.sqs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * How the SQS consumers report failed polls ({@code pollStrategy} and {@code exceptionHandler} of their
 * endpoints). Camel's defaults log every failed poll at ERROR with a stack trace: during an SQS outage
 * that is a line per consumer every poll, and on a stop, where the long polls are ended on purpose
 * ({@link LongPolls}), a burst of errors that are not errors. Here an outage is one WARN when the first
 * poll of a queue fails and one INFO when a poll of it succeeds again; polls failing while the context
 * stops are DEBUG. The readiness check stays the signal. Errors of the consumer other than a failed poll
 * are logged as Camel logs them. And, while a queue is idle, its consumers take turns: one long poll waits at a time
 * ({@link IdlePolls}).
 */
public final class SqsPollErrors implements PollingConsumerPollStrategy, ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SqsPollErrors.class);

    private final CamelContext context;
    private final SqsClient sqs;
    private final ExceptionHandler others;
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final ThreadLocal<Throwable> pollFailure = new ThreadLocal<>();
    private final Set<String> endedByStop = ConcurrentHashMap.newKeySet();
    private final IdlePolls idle = new IdlePolls();

    public SqsPollErrors(CamelContext context, SqsClient sqs) {
        this.context = context;
        this.sqs = sqs;
        this.others = new LoggingExceptionHandler(context, SqsPollErrors.class);
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        pollFailure.remove(); // a failure Camel did not hand to the exception handler is not kept past its poll
        return idle.begin(queue(endpoint));
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        String queue = queue(endpoint);
        idle.ended(queue, polledMessages);
        if (failing.remove(queue) != null) {
            LOG.info("SQS polling of {} works again", queue);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        pollFailure.set(cause);
        String queue = queue(endpoint);
        idle.ended(queue, -1);
        String reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (stopping()) {
            if (endedByStop.add(queue)) {
                LOG.info("Stop: the long polls of {} were ended, not waited for", queue);
            }
        } else if (failing.putIfAbsent(queue, reason) == null) {
            LOG.warn("SQS polling of {} fails ({}): the consumers keep trying; readiness is down while SQS cannot be reached",
                    queue, reason);
        } else {
            LOG.debug("SQS polling of {} still fails: {}", queue, reason);
        }
        return false;
    }

    /** Whether polls of this queue are failing now (since the first failure, until a poll succeeds). */
    public boolean isFailing(String queue) {
        return failing.containsKey(queue);
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exchange == null && (pollFailure.get() == exception || stopping())) {
            pollFailure.remove();
            return; // a failed poll: reported once above
        }
        others.handleException(message, exchange, exception);
    }

    private boolean stopping() {
        return context.isStopping() || context.isStopped() || LongPolls.ended(sqs);
    }

    private static String queue(Endpoint endpoint) {
        String uri = endpoint.getEndpointBaseUri();
        int colon = uri.indexOf(':');
        String queue = colon < 0 ? uri : uri.substring(colon + 1);
        return queue.startsWith("//") ? queue.substring(2) : queue;
    }
}
