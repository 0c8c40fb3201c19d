package gateway.answer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentCallException;
import gateway.agent.BedrockAgentConstants;
import gateway.delivery.DeliveryMessage;
import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.intake.RequestQueueMessage;
import gateway.intake.SessionFields;
import gateway.intake.WebhookRequestValidator;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.render.MarkdownPlainText;
import gateway.sqs.DeadLetters;
import gateway.sqs.MovedBySqs;
import gateway.tracking.RecordLookup;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

/**
 * Writes the {@link DeliveryMessage} the agent stage puts on the <em>deliveries</em> queue: everything the
 * delivery needs, so a receiver outage never re-runs the agent.
 * <pre>{"message_type":"webhook_delivery","tracking_id","webhook_id","status":"answered"|"failed",
 *  "webhook_request":{...},"response","response_plain","session_id","answered_at","queued_at",
 *  "agent_duration_ms","error":{"code","message"}}</pre>
 */
public class DeliveryMessageWriter {

    private final MarkdownPlainText plainText;
    private final Clock clock;
    private final long maxMessageBytes;

    public DeliveryMessageWriter(MarkdownPlainText plainText, Clock clock, long maxMessageBytes) {
        this.plainText = plainText;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The agent answered: the markdown in the body, its plain text, session and timing. */
    public String answered(@Body String markdown, Exchange exchange) {
        ObjectNode message = base(exchange, DeliveryMessage.STATUS_ANSWERED);
        message.put("response", markdown);
        message.put("response_plain", plainText.render(markdown));
        String json = fit(message);
        if (json == null) {
            ObjectNode failure = base(exchange, DeliveryMessage.STATUS_FAILED);
            failure.set("error", error("AnswerTooLarge", "the agent's answer is too large to deliver"));
            json = Json.write(failure);
        }
        setAttributes(exchange);
        return json;
    }

    /** The agent call failed for good: the caller is told, with the error code and the gateway's message for it. */
    public String failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause, Exchange exchange) {
        ObjectNode message = base(exchange, DeliveryMessage.STATUS_FAILED);
        if (cause instanceof AgentCallException agentError && agentError.retryable()) {
            // a passing error that outlasted every receive SQS allows: the caller may well ask again later
            ObjectNode error = error(agentError.errorCode(), "the agent kept failing with a transient error, on "
                    + DeadLetters.receiveCount(exchange) + " receives (" + agentError.callerMessage() + "): the gateway gave up");
            error.put("transient", true);
            message.set("error", error);
        } else if (cause instanceof MovedBySqs moved) {
            // found in the DLQ by the sweep: its receives were spent without the gateway ending it
            ObjectNode error = error(moved.lastErrorCode() == null ? "MaxReceiveCountExceeded" : moved.lastErrorCode(),
                    "the question could not be answered: " + moved.getMessage());
            error.put("transient", true);
            message.set("error", error);
        } else if (cause instanceof AgentCallException agentError) {
            // the gateway's words for the code: the service's own text (ARNs, account ids) never goes to a caller
            message.set("error", error(agentError.errorCode(), agentError.callerMessage()));
        } else {
            message.set("error", error("AgentError", "the agent could not answer"));
        }
        setAttributes(exchange);
        return fit(message);
    }

    /**
     * A delivery message an earlier receive of this request already produced (kept in its tracking record):
     * the same message again, with its attributes, so it can be re-enqueued without asking the agent.
     */
    public String stored(@ExchangeProperty(RecordLookup.STORED_DELIVERY) String stored, Exchange exchange) {
        setAttributes(exchange);
        return stored;
    }

    private ObjectNode base(Exchange exchange, String status) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        Message in = exchange.getMessage();
        ObjectNode message = Json.object();
        message.put("message_type", DeliveryMessage.MESSAGE_TYPE);
        message.put("tracking_id", trackingId);
        // a result after a redrive is a new message to the receiver, not a retry of the earlier one: its own webhook-id
        int redrives = DeadLetters.redrives(exchange);
        message.put("webhook_id", "msg_" + trackingId + (redrives > 0 ? "_r" + redrives : ""));
        message.put("status", status);
        message.set("webhook_request", exchange.getProperty(FlowProperties.REQUEST, ObjectNode.class));
        message.putNull("response");
        message.putNull("response_plain");
        // the caller's own session_id when it named one (never the derived agent session), else the tracking id
        String callerSession = SessionFields.callerSessionId(exchange.getProperty(FlowProperties.REQUEST, ObjectNode.class));
        message.put("session_id", callerSession != null ? callerSession : trackingId);
        message.put("answered_at", Timestamps.now(clock));
        message.put("queued_at", exchange.getProperty(FlowProperties.QUEUED_AT, String.class));
        Long duration = in.getHeader(BedrockAgentConstants.DURATION_MILLIS, Long.class);
        if (duration != null) {
            message.put("agent_duration_ms", duration);
        }
        return message;
    }

    /** The JSON if it fits an SQS message; extra request fields are dropped first; null if it cannot fit. */
    private String fit(ObjectNode message) {
        String json = Json.write(message);
        if (fits(json)) {
            return json;
        }
        // a copy: the request node is shared (exchange property, the tracking record's pending changes)
        ObjectNode request = ((ObjectNode) message.get("webhook_request")).deepCopy();
        request.retain(WebhookRequestValidator.REQUIRED);
        message.set("webhook_request", request);
        json = Json.write(message);
        return fits(json) ? json : null;
    }

    private boolean fits(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length <= maxMessageBytes;
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    /** The deliveries message carries its own attributes, not the request's nor the agent's headers. */
    private static void setAttributes(Exchange exchange) {
        Message out = exchange.getMessage();
        ObjectNode request = exchange.getProperty(FlowProperties.REQUEST, ObjectNode.class);
        out.removeHeaders("*", Sqs2Constants.RECEIPT_HANDLE);
        out.setHeader(QueueAttributes.MESSAGE_TYPE, DeliveryMessage.MESSAGE_TYPE);
        out.setHeader(QueueAttributes.TRACKING_ID, exchange.getProperty(FlowProperties.TRACKING_ID, String.class));
        out.setHeader(QueueAttributes.SOURCE_SYSTEM, RequestQueueMessage.sourceSystemAttribute(request));
    }
}
