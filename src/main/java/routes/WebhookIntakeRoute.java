package routes;

import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.idempotency.IdempotencyKeys;
import gateway.idempotency.IdempotencyStoreUnavailable;
import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import gateway.intake.RequestQueueMessage;
import gateway.intake.TrackingIds;
import gateway.json.Timestamps;
import gateway.sqs.SqsBatchConstants;
import gateway.tracking.RecordWriter;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code POST /webhook}: authenticate the caller, apply its rate limit, read and validate the JSON, check
 * the Idempotency-Key, put the request on the requests queue, remember the key, answer 202 with a tracking
 * id (its tracking record is written asynchronously). Each refusal is an {@link IntakeRejection} answered with a JSON error and its status (401, 429, 400,
 * 409, 413, 415) before anything is queued; a queue or key store that cannot be used gets 503 so the
 * caller retries. {@code GET /webhook} lists the caller's questions ({@link QuestionListRoute}).
 */
public class WebhookIntakeRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhook")
            .routeId("webhook-intake")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            // refused input: the rejection's status and message as JSON; nothing was queued
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Rejected ${exchangeProperty.tracking_id}: ${exception.message}")
                .bean("idempotencyKeys", "release")
                .bean("intakeResponses", "rejected")
            .end()
            // the idempotency-key store cannot be used: 503, the caller may retry
            .onException(IdempotencyStoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Idempotency store unavailable for ${exchangeProperty.tracking_id}: ${exception.message}")
                .bean("idempotencyKeys", "release")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            // the queue cannot be written: 503, the caller may retry (with the same key and webhook-id)
            .onException(SdkException.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Queue unavailable for ${exchangeProperty.tracking_id}: ${exception.class.simpleName}")
                .bean("idempotencyKeys", "release")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            // GET lists the caller's own questions (QuestionListRoute)
            .filter(header(Exchange.HTTP_METHOD).isEqualTo("GET"))
                .setProperty(IntakeResponses.ORIGIN, header("Origin"))
                .to(QuestionListRoute.LIST).id("list-questions")
                .stop()
            .end()
            .bean(TrackingIds.class, "assign")
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .choice()
                .when(header(Exchange.HTTP_METHOD).isEqualTo("OPTIONS"))
                    .bean("intakeResponses", "preflight")
                    .stop()
                .when(header(Exchange.HTTP_METHOD).isNotEqualTo("POST"))
                    .bean("intakeResponses", "methodNotAllowed")
                    .stop()
            .end()
            // 1. who is calling: API key (Bearer or X-API-Key) or inbound signature -> 401; sets property caller
            .bean("requestAuthenticator", "authenticate")
            // 2. the caller's (or, when open, the client IP's) token bucket -> 429 + Retry-After
            .bean("rateLimiter", "acquire")
            // 3. the body: media type 415, size 413, UTF-8 and a JSON object 400
            .bean("jsonRequestBody", "read")
            // 4. the original's rules 400, then depth and field count 400, query length 413
            .bean("webhookRequestValidator", "validate")
            .bean("jsonLimits", "check")
            // 5. session_id 400, session_attributes / prompt_session_attributes 400 / 413; sets property agent_session_id
            .bean("sessionFields", "check")
            // 6. callback_url, if given: one of the caller's callback_urls, https, resolving to allowed addresses 400
            .bean("callbackUrls", "check")
            // 6b. events (for the callback_url), stream_answer 400
            .bean("eventChoices", "check")
            .setProperty(FlowProperties.SOURCE_SYSTEM, method(RequestQueueMessage.class, "sourceSystemAttribute"))
            .setProperty(FlowProperties.QUEUED_AT, method(Timestamps.class, "nowUtc"))
            // 7. Idempotency-Key: claim it, or answer a repeat with the first tracking id (409 for another body)
            .bean("idempotencyKeys", "claim")
            .choice()
                .when(exchangeProperty(IdempotencyKeys.REPLAYED).isEqualTo(true))
                    .log("Idempotent repeat of ${exchangeProperty.tracking_id}: nothing queued")
                    .bean("intakeResponses", "replayed")
                    .stop()
            .end()
            // 8. the queue
            // the request as parsed, for its tracking record; the body becomes the queue message
            .setProperty(FlowProperties.REQUEST, body())
            .bean("requestQueueMessage", "build")
            // the queue message carries the original's three attributes plus the caller, no HTTP headers
            .removeHeaders("*")
            .setHeader(QueueAttributes.MESSAGE_TYPE, constant(RequestQueueMessage.MESSAGE_TYPE))
            .setHeader(QueueAttributes.TRACKING_ID, exchangeProperty(FlowProperties.TRACKING_ID))
            .setHeader(QueueAttributes.SOURCE_SYSTEM, exchangeProperty(FlowProperties.SOURCE_SYSTEM))
            .setHeader(QueueAttributes.CALLER, exchangeProperty(FlowProperties.CALLER))
            // a FIFO queue: the group is the agent session (one question of a session at a time, in order); the
            // tracking id deduplicates a send SQS received but did not confirm (step 5 derived the session)
            .setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, exchangeProperty(FlowProperties.AGENT_SESSION_ID))
            .setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, exchangeProperty(FlowProperties.TRACKING_ID))
            // one SendMessageBatch carries the requests that arrive together; each 202 waits for its own entry
            .to("sqs-batch:{{gateway.queue.requests}}").id("enqueue-request")
            // its tracking record (status "queued"): the change waits for the record's next ones, the 202 does not wait
            .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "queued")).to(TrackingRoute.RECORD_CHANGE).id("record-queued")
            .log("Queued ${exchangeProperty.tracking_id} from ${exchangeProperty.source_system} for caller ${exchangeProperty.caller}")
            // 9. the key now points at a queued request
            .bean("idempotencyKeys", "remember")
            // 10. 202, with Location: /webhook/<tracking_id> (the status endpoint, WebhookStatusRoute)
            .bean("intakeResponses", "accepted");
    }
}
