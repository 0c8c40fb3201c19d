package gateway.flow;

/**
 * The names of the exchange properties the routes and their beans share: one constant each, so a route
 * and the bean that reads what it set cannot drift apart. (Message attributes on the queues are in
 * {@link QueueAttributes}.)
 */
public final class FlowProperties {

    /** The request's tracking id, on every exchange of its flow (and in the MDC of every log line). */
    public static final String TRACKING_ID = "tracking_id";
    /** Who sent the request: the API key's (or inbound signature's) caller name. */
    public static final String CALLER = "caller";
    /** The original's {@code source_system} of the request. */
    public static final String SOURCE_SYSTEM = "source_system";
    /** When the intake queued the request (ISO-8601, UTC). */
    public static final String QUEUED_AT = "queued_at";
    /** The request as parsed at the intake (a map), for its tracking record. */
    public static final String REQUEST = "webhook_request";
    /** The request (or delivery) message as received from its queue, kept for its dead-letter entry. */
    public static final String RECEIVED_MESSAGE = "received_request_message";
    /** The {@code webhook-id} of the delivery being made. */
    public static final String WEBHOOK_ID = "webhook_id";
    /** The receiver's HTTP status of the last delivery attempt. */
    public static final String HTTP_STATUS = "http_status";
    /** What the last failed delivery attempt met, in words fit for a log (never the receiver's URL). */
    public static final String FAILURE = "delivery_failure";
    /** The wait before the delivery's next attempt on the long schedule (a duration's text). */
    public static final String NEXT_ATTEMPT_IN = "next_attempt_in";
    /** An operator's dead-letter call (list, redrive): at most this many dead letters. */
    public static final String DLQ_MAX = "dlq_max";
    /** An operator's redrive: only the dead letters of these (DLQ) message ids ({@code Set<String>}); absent: all. */
    public static final String DLQ_MESSAGE_IDS = "dlq_message_ids";
    /** The (DLQ) message id of the dead letter a redrive is moving back. */
    public static final String REDRIVEN_MESSAGE_ID = "redriven_message_id";

    /** The targets chosen for a request's result ({@code List<gateway.delivery.DeliveryTarget>}), one delivery each. */
    public static final String DELIVERY_TARGETS = "delivery_targets";
    /** The {@code gateway.delivery.DeliveryTarget} of the delivery being made. */
    public static final String DELIVERY_TARGET = "delivery_target";
    /** When the delivery's current HTTP attempt started ({@link System#nanoTime()}). */
    public static final String ATTEMPT_STARTED = "attempt_started_nanos";
    /** How long the delivery's last HTTP attempt took, in milliseconds (a {@code Long}). */
    public static final String ATTEMPT_DURATION_MS = "attempt_duration_ms";
    /** The first 1 KB of the receiver's response body to the last attempt (text; absent when it sent none). */
    public static final String RESPONSE_EXCERPT = "response_excerpt";
    /**
     * The agent session of the request ({@code gateway.agent.AgentSessions}): derived from the caller and its
     * {@code session_id}, else the tracking id; also the requests queue's FIFO message group.
     */
    public static final String AGENT_SESSION_ID = "agent_session_id";

    /**
     * The key of the parked delivery being released or probed ({@code gateway.endpoints.DeliveryLane}): the delivery
     * goes to its paused endpoint on purpose, and its parked copy is removed once it has ended.
     */
    public static final String PARKED_KEY = "parked_key";
    /** Set when a parked delivery sent again was refused by its receiver and dead-lettered (a probe that resumes nothing). */
    public static final String REFUSED = "parked_delivery_refused";
    /** The deliveries per second the delivery's endpoint takes on this replica ({@code max_per_second}); absent: no limit. */
    public static final String MAX_PER_SECOND = "max_per_second";
    /** The delivery's endpoint type ({@code gateway.callers.EndpointType}; {@code WEBHOOK} for the default and callbacks). */
    public static final String ENDPOINT_TYPE = "endpoint_type";
    /**
     * An AWS endpoint's destination as the callers file names it (an SQS queue URL, an SNS topic ARN, an EventBridge
     * bus name or ARN); unset for HTTP endpoints.
     */
    public static final String DESTINATION = "destination";
    /** An EventBridge endpoint's {@code source} for its events. */
    public static final String EVENT_SOURCE = "event_source";

    private FlowProperties() {
    }
}
