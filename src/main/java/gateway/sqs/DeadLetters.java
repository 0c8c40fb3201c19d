package gateway.sqs;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.intake.RequestQueueMessage;
import gateway.logging.Redaction;
import gateway.json.Timestamps;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Headers;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Prepares a message for its dead-letter queue: the body stays as it was received, and message
 * attributes record why it failed, where, how often it was tried and when, so that an operator can
 * read the DLQ and redrive it.
 */
public class DeadLetters {

    public static final String REASON = "failure_reason";
    public static final String STAGE = "failed_stage";
    public static final String ATTEMPTS = "attempts";
    public static final String FAILED_AT = "failed_at";
    /** Message attribute: the receiver's last HTTP status (from exchange property {@link FlowProperties#HTTP_STATUS}). */
    public static final String HTTP_STATUS = "http_status";
    /** Exchange property: the stage a dead letter found by the sweep belongs to (its DLQ entry names it). */
    public static final String SWEPT_STAGE = "swept_stage";
    /** Message attribute: how often an operator has redriven this message from its DLQ (absent: never). */
    public static final String REDRIVES = "redrives";
    /** Exchange property holding the receive count once the SQS headers are cleared. */
    public static final String RECEIVE_COUNT = "sqs_receive_count";
    private static final int MAX_REASON_CHARS = 512;

    private final Clock clock;

    public DeadLetters(Clock clock) {
        this.clock = clock;
    }

    /**
     * Called from a route's error handler: the caught exception's message is the reason; a receiver's refusal is named
     * by its status only (Camel's message holds the whole URL, and a callback URL's query may carry a token).
     */
    public void annotate(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown"
                : cause instanceof HttpOperationFailedException refused
                        ? refused.getClass().getSimpleName() + ": the receiver answered HTTP " + refused.getStatusCode()
                        : cause.getClass().getSimpleName() + ": " + Redaction.redact(cause.getMessage());
        Integer status = exchange.getProperty(FlowProperties.HTTP_STATUS, Integer.class);
        Message message = exchange.getMessage();
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        int attempts = receiveCount(exchange);
        int redrives = redrives(exchange);
        message.removeHeaders("*", Sqs2Constants.RECEIPT_HANDLE);
        if (redrives > 0) {
            message.setHeader(REDRIVES, Integer.toString(redrives)); // a later redrive counts on from it
        }
        message.setHeader(REASON, RequestQueueMessage.attributeValue(bounded(reason)));
        message.setHeader(STAGE, exchange.getProperty(SWEPT_STAGE, exchange.getFromRouteId(), String.class));
        message.setHeader(ATTEMPTS, Integer.toString(attempts));
        message.setHeader(FAILED_AT, Timestamps.now(clock));
        if (trackingId != null) {
            message.setHeader(QueueAttributes.TRACKING_ID, trackingId);
        }
        if (status != null) {
            message.setHeader(HTTP_STATUS, status.toString());
        }
    }

    /**
     * A dead letter SQS moved by itself (the SDK's message, received by the sweep), as the routes see a message the
     * aws2-sqs consumer received: its body, and as headers its receipt handle, system attributes and message attributes.
     */
    public static String received(@Body software.amazon.awssdk.services.sqs.model.Message dead, @Headers Map<String, Object> headers) {
        headers.put(Sqs2Constants.RECEIPT_HANDLE, dead.receiptHandle());
        headers.put(Sqs2Constants.MESSAGE_ID, dead.messageId());
        Map<String, String> attributes = new HashMap<>();
        dead.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        headers.put(Sqs2Constants.ATTRIBUTES, attributes);
        dead.messageAttributes().forEach((name, value) -> headers.put(name, value.stringValue()));
        return dead.body();
    }

    /** The reason of a dead letter SQS's redrive policy moved by itself, as the caught exception of the exchange. */
    public void movedBySqs(Exchange exchange, String lastErrorCode) {
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new MovedBySqs(receiveCount(exchange), lastErrorCode));
    }

    /** Whether this exchange is a dead letter the sweep found (not a receive of a work queue). */
    public static boolean swept(Exchange exchange) {
        return exchange.getProperty(SWEPT_STAGE) != null;
    }

    /** How often this message was redriven from its DLQ (its {@link #REDRIVES} attribute), 0 if never. */
    public static int redrives(Exchange exchange) {
        Integer known = exchange.getProperty(REDRIVES, Integer.class);
        if (known != null) {
            return known;
        }
        Object value = exchange.getMessage().getHeader(REDRIVES);
        try {
            return value == null ? 0 : Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** How many times SQS has handed out this message ({@code ApproximateReceiveCount}), 1 if unknown. */
    public static int receiveCount(Exchange exchange) {
        Integer known = exchange.getProperty(RECEIVE_COUNT, Integer.class);
        if (known != null) {
            return known;
        }
        return systemAttribute(exchange, "ApproximateReceiveCount").map(count -> {
            try {
                return Integer.parseInt(count);
            } catch (NumberFormatException ignored) {
                return 1;
            }
        }).orElse(1);
    }

    /** A system attribute of the received SQS message ({@code ApproximateReceiveCount}, {@code SentTimestamp}...). */
    public static Optional<String> systemAttribute(Exchange exchange, String name) {
        Map<?, ?> attributes = exchange.getMessage().getHeader(Sqs2Constants.ATTRIBUTES, Map.class);
        if (attributes != null) {
            for (Map.Entry<?, ?> e : attributes.entrySet()) {
                if (String.valueOf(e.getKey()).equalsIgnoreCase(name) && e.getValue() != null) {
                    return Optional.of(String.valueOf(e.getValue()));
                }
            }
        }
        return Optional.empty();
    }

    private static String bounded(String reason) {
        String oneLine = reason.replaceAll("[\\r\\n]+", " ");
        return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
    }
}
