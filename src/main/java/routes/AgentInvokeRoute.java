package routes;

import gateway.agent.AgentCallCancelled;
import gateway.agent.AgentErrors;
import gateway.agent.BedrockAgentConstants;
import gateway.agent.PermanentAgentException;
import gateway.agent.RetryableAgentException;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.intake.SessionFields;
import gateway.sqs.MessageGroups;
import gateway.sqs.ReleaseOnShutdown;
import gateway.sqs.SessionTurns;
import gateway.sqs.SqsBatchConstants;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordWriter;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.aws2.bedrock.agentruntime.BedrockAgentRuntimeConstants;

import static org.apache.camel.builder.PredicateBuilder.and;

/**
 * Requests queue → Bedrock Agent → deliveries queue. The answer (or, for a permanent agent error, a
 * failure result so the caller is told) is written to the deliveries queue before the request message
 * is deleted, so a crash never loses a paid answer; and it is kept in the request's tracking record first,
 * so a crash before the delete never pays for a second agent call either. Transient agent errors are retried here first;
 * when those retries are spent the message stays on the queue and SQS hands it out again later, until the last
 * receive its redrive policy allows: there the gateway itself dead-letters it and tells the caller.
 */
public class AgentInvokeRoute extends WorkQueueRoute {

    // sends and deletes share batch calls with the other exchanges of the moment (sqs-batch); each
    // exchange still goes on only when its own message is sent or deleted
    static final String DELETE_REQUEST = "sqs-batch:{{gateway.queue.requests}}?operation=deleteMessage";
    static final String DELIVERIES = "sqs-batch:{{gateway.queue.deliveries}}";
    static final String RELEASE_REQUEST = "sqs-batch:{{gateway.queue.requests}}?operation=changeMessageVisibility";
    // a FIFO queue: each send names its group (MessageGroups.resend: the request's own, its agent session)
    static final String REQUESTS_DLQ = "sqs-batch:{{gateway.queue.requests-dlq}}";
    /** The request to its DLQ, with the reason, then deleted: the requests queue's one dead-letter ending. */
    static final String DEAD_LETTER_REQUEST = "direct:dead-letter-request";
    /** The result in the body, once per target of {@link FlowProperties#DELIVERY_TARGETS}, on the deliveries queue. */
    public static final String ENQUEUE_DELIVERIES = "direct:enqueue-deliveries";

    @Override
    public void configure() {
        fromWorkQueue("{{gateway.queue.requests}}", "{{gateway.agent.consumers}}", "{{gateway.agent.max-messages-per-poll}}")
            .routeId("agent-invoke")
            .autoStartup("{{gateway.agent.stage-enabled}}")
            // at most AGENT_MAX_IN_FLIGHT requests held by this instance; when full the consumer stops
            // polling and the rest stay on the queue for other replicas. On shutdown, what is still
            // unfinished after the grace period is made visible again at once for another replica.
            .routePolicyRef("agentInFlightLimit")
            .routePolicy(new ReleaseOnShutdown(RELEASE_REQUEST))

            // a message that can never be processed: to the requests DLQ at once, with the reason
            .onException(MalformedMessageException.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Unprocessable request message dead-lettered: ${exception.message}")
                .to(DEAD_LETTER_REQUEST).id("end-unprocessable-request")
            .end()

            // throttling, 5xx, dependency failures, timeouts, broken streams on the last receive SQS allows (the queue's
            // maxReceiveCount, read at start): when the agentRetryPolicy's retries (AGENT_RETRY_*) are spent here too,
            // the gateway ends the conversation itself instead of leaving SQS's redrive policy to move the request in
            // silence: status "failed", a query.failed webhook whose error names the last cause and says it was
            // transient, and the request to its DLQ with the reason
            .onException(RetryableAgentException.class)
                .onWhen(method("queueLimits", "isLastReceive(*, 'requests')"))
                .redeliveryPolicyRef("agentRetryPolicy")
                .handled(true)
                .log(LoggingLevel.WARN, "Agent still failing on the last receive SQS allows, the caller is told: ${exception.message}")
                .bean("deliveryMessageWriter", "failed")
                .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "select"))
                .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "agentFinished")).to(TrackingRoute.RECORD_NOW).id("record-gave-up")
                // the question's final event in its log, after the last of its progress (docs/events.md)
                .bean("questionEvents", "finished")
                .to(ENQUEUE_DELIVERIES).id("enqueue-gave-up")
                .to(DEAD_LETTER_REQUEST).id("end-gave-up-request")
            .end()

            // the same errors on an earlier receive: the agentRetryPolicy's retries here (AGENT_RETRY_MAX times, 2 s /
            // 4 s / 8 s with jitter); then the message stays on the queue for SQS to hand out again later
            .onException(RetryableAgentException.class)
                .redeliveryPolicyRef("agentRetryPolicy")
                .handled(false)
                .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "agentRetrying")).to(TrackingRoute.RECORD_CHANGE).id("record-agent-retrying")
                .log(LoggingLevel.WARN, "Agent call failed after retries, left on the queue: ${exception.message}")
            .end()

            // its caller cancelled it while the agent answered (DELETE /webhook/{tracking_id}): the call was aborted; never
            // retried, the record says "cancelled" and the query.cancelled webhook is on its way: only the request is left
            .onException(AgentCallCancelled.class)
                .handled(true)
                .log("Cancelled by its caller while the agent answered: call aborted, request deleted")
                .bean("cancellationWatch", "dropped('agent', ${exchangeProperty." + FlowProperties.TRACKING_ID + "})")
                .bean("questionEvents", "stopped")
                .to(DELETE_REQUEST).id("delete-aborted-request")
            .end()

            // validation, access denied, not found: never retried; the caller gets a failure webhook
            .onException(PermanentAgentException.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Agent refused the request: ${exception.message}")
                .bean("deliveryMessageWriter", "failed")
                .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "select"))
                // status "failed" with the failure message and its targets, in the record before the request is deleted
                .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "agentFinished")).to(TrackingRoute.RECORD_NOW).id("record-failed")
                // the question's final event in its log, after the last of its progress (docs/events.md)
                .bean("questionEvents", "finished")
                .to(ENQUEUE_DELIVERIES).id("enqueue-failure")
                .to(DELETE_REQUEST).id("delete-failed-request")
            .end()

            // its FIFO group (the agent session) and id, for a send to the DLQ after its SQS headers are gone
            .bean(MessageGroups.class, "received")
            // one question of a session at a time: one receive may bring several of a session, they go on one by one;
            // those behind one that failed and stays on the queue go back after it, unasked (SessionTurns)
            .process("sessionTurns").id("await-session-turn")
            .filter(exchangeProperty(SessionTurns.PUT_BACK))
                .log("The question before it in its session is left on the queue: put back after it, unasked")
                .setHeader(SqsBatchConstants.VISIBILITY_TIMEOUT, constant(0))
                .to(RELEASE_REQUEST).id("put-back-session-follow-up")
                .stop()
            .end()
            .bean("requestMessageReader", "read")
            // never pay twice: an earlier receive of this request may already have the agent's result (a
            // crash between writing it and deleting the request). Then the agent is not asked again. (On a
            // first receive there is no earlier one: the record is not read.)
            .to(TrackingRoute.LOOKUP_RECORD).id("read-record")
            // cancelled by its caller (the record says so, or a marker this replica has seen: a first receive reads no
            // record): never asked; the query.cancelled webhook is the cancel's, only the request is left to delete
            .filter(method("cancellationWatch", "cancelled")).id("cancelled")
                .log("Cancelled by its caller: request deleted, the agent is not asked")
                .bean("cancellationWatch", "dropped('queued', ${exchangeProperty." + FlowProperties.TRACKING_ID + "})")
                .to(DELETE_REQUEST).id("delete-cancelled-request")
                .stop()
            .end()
            // answered, but maybe not every target's delivery enqueued: those the record shows no start of
            .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "notStarted"))
            .choice().id("already-answered")
                .when(and(exchangeProperty(RecordLookup.STORED_STATUS).isNotNull(), simple("${exchangeProperty."
                        + FlowProperties.DELIVERY_TARGETS + ".isEmpty()}")))
                    // the delivery stage has the result for every target already: only the request is left to delete
                    .log("Already answered and handed to delivery: request deleted, the agent is not called again")
                    .to(DELETE_REQUEST).id("delete-delivered-request")
                    .stop()
                .when(exchangeProperty(RecordLookup.STORED_DELIVERY).isNotNull())
                    // enqueue the stored result for those targets (same webhook-ids)
                    .log("Already answered: the stored result is enqueued again, the agent is not called again")
                    .bean("deliveryMessageWriter", "stored")
                    .to(ENQUEUE_DELIVERIES).id("re-enqueue-answer")
                    .to(DELETE_REQUEST).id("delete-answered-request")
                    .stop()
            .end()
            .log("Asking the agent")
            .bean("promptBuilder", "build")
            // status "processing" (attempt = this receive), with the prompt: waits for the record's next changes
            .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "processing")).to(TrackingRoute.RECORD_CHANGE).id("record-processing")
            // query.started (this attempt) in the question's log and to the endpoints that take it; the call's progress
            // (each step the agent reports, the answer as written when asked) goes the same way while it runs
            .bean("questionEvents", "started")
            .choice()
                // AGENT_MODE=knowledge-base: answer from a knowledge base with Camel's own endpoint
                .when(simple("'{{gateway.agent.mode}}' == 'knowledge-base'"))
                    .to("direct:retrieve-and-generate").id("ask-knowledge-base")
                .otherwise()
                    // the agent's session: the caller's own conversation (derived from the caller and its session_id,
                    // RequestMessageReader), else the request's tracking id; its attributes as the call's sessionState
                    .setHeader(BedrockAgentConstants.SESSION_ID, exchangeProperty(FlowProperties.AGENT_SESSION_ID))
                    .setHeader(BedrockAgentConstants.SESSION_ATTRIBUTES, method(SessionFields.class, "sessionAttributes"))
                    .setHeader(BedrockAgentConstants.PROMPT_SESSION_ATTRIBUTES, method(SessionFields.class, "promptSessionAttributes"))
                    .to("bedrock-agent:{{gateway.agent.id}}"
                            + "?aliasId={{gateway.agent.alias-id}}"
                            + "&region={{gateway.aws.region}}"
                            + "&endpointOverride={{gateway.agent.endpoint}}"
                            + "&anonymousCredentials={{gateway.agent.anonymous-credentials}}"
                            + "&timeout={{gateway.agent.timeout}}"
                            + "&enableTrace={{gateway.agent.enable-trace}}"
                            + "&progressIncludeInputs={{gateway.agent.progress-include-inputs}}"
                            + "&maxAnswerBytes={{gateway.agent.max-answer-bytes}}"
                            + "&maxConcurrency={{gateway.agent.max-in-flight}}").id("invoke-agent")
            .end()
            .log("Agent answered in ${header.CamelBedrockAgentDurationMillis} ms")
            .bean("deliveryMessageWriter", "answered")
            // who receives it: the request's callback_url, the caller's endpoints that take this event, or WEBHOOK_URL
            .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "select"))
            // status "answered" with the delivery message and its targets, in the record before anything else: from
            // here on a crash never leads to a second agent call (see "already-answered" above)
            .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "agentFinished")).to(TrackingRoute.RECORD_NOW).id("record-answered")
            // the question's final event in its log, after the last of its progress (docs/events.md)
            .bean("questionEvents", "finished")
            // one message per target: each its own webhook-id, retries and DLQ entry
            .to(ENQUEUE_DELIVERIES).id("enqueue-answer")
            // only now, with the answer safe on the deliveries queue, is the request deleted
            .to(DELETE_REQUEST).id("delete-request");

        // the requests queue's one dead-letter ending, in one order: the entry, with its reason, to the DLQ (in the
        // request's FIFO group), then the request deleted. A crash between the two hands the request out again: at worst
        // a second DLQ entry, never none. (A request that got this far has its outcome in its record already.)
        from(DEAD_LETTER_REQUEST)
            .routeId("dead-letter-request")
            // the request as received (its body may have been replaced since), when it could be read at all
            .filter(exchangeProperty(FlowProperties.RECEIVED_MESSAGE).isNotNull())
                .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
            .end()
            .bean("deadLetters", "annotate").bean(MessageGroups.class, "resend")
            .to(REQUESTS_DLQ).id("dead-letter-request-entry")
            .to(DELETE_REQUEST).id("delete-dead-request");

        // the result, once per target, on the deliveries queue (sends share SendMessageBatch calls); a send that fails
        // stops the split and fails the caller's step, so the request stays on its queue and is enqueued again
        from(ENQUEUE_DELIVERIES)
            .routeId("enqueue-deliveries")
            .choice()
                // the agent's result (or failure) for a question its caller cancelled meanwhile: never delivered
                .when(method("cancellationWatch", "resultDropped"))
                    .log("Cancelled by its caller while the agent answered: the result is dropped")
                    .bean("cancellationWatch", "dropped('agent', ${exchangeProperty." + FlowProperties.TRACKING_ID + "})")
                .otherwise()
                    .split(method("deliveryFanOut", "messages")).stopOnException()
                        .to(DELIVERIES).id("enqueue-delivery")
                    .end()
            .end();

        // knowledge-base mode: retrieveAndGenerate; its errors follow the agent's retry rules above
        from("direct:retrieve-and-generate")
            .routeId("knowledge-base-answer")
            .errorHandler(noErrorHandler())
            .doTry()
                // a caller's conversation continues the session Bedrock made for its first question (record store)
                .setHeader(BedrockAgentRuntimeConstants.SESSION_ID, method("knowledgeBaseSessions", "lookup")).id("read-knowledge-base-session")
                .to("aws-bedrock-agent-runtime:knowledge-base?operation=retrieveAndGenerate"
                        + "&knowledgeBaseId={{gateway.agent.knowledge-base-id}}&modelId={{gateway.agent.model-id}}"
                        + "&bedrockAgentRuntimeClient=#knowledgeBaseClient&lazyStartProducer=true").id("retrieve-and-generate")
                // the sessionId Bedrock answered with, for the conversation's next question
                .bean("knowledgeBaseSessions", "remember").id("keep-knowledge-base-session")
            .doCatch(Exception.class)
                .bean(AgentErrors.class, "rethrow")
            .end();
    }
}
