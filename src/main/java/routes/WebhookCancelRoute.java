package routes;

import gateway.cancel.Cancellations;
import gateway.flow.FlowProperties;
import gateway.flow.QueueAttributes;
import gateway.intake.IntakeRejection;
import gateway.s3.StoreUnavailable;
import gateway.tracking.RecordWriter;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code DELETE /webhook/{tracking_id}} (the status route hands DELETE of its path here): the caller cancels its question.
 * Authenticated and rate-limited like {@code POST /webhook}; 400 for an id that is not a UUID, 404 for an unknown one (or
 * another caller's), 409 once the agent stage has a result for it (answered, failed, delivered, dead-lettered), 503 when
 * the record store or the queue cannot be used. Still queued or at the agent: the cancellation is in the record before
 * anything else (status "cancelled", final), then its marker tells every replica (the agent is never asked; a call in
 * flight is aborted), then the {@code query.cancelled} webhook is queued for the caller's targets; 202. A question
 * cancelled already: 202 again, nothing new queued.
 */
public class WebhookCancelRoute extends RouteBuilder {

    public static final String CANCEL = "direct:webhook-cancel";

    @Override
    public void configure() {
        from(CANCEL)
            .routeId("webhook-cancel")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Cancel refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            .onException(StoreUnavailable.class, SdkException.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Cancel failed, the store or the queue is unavailable: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            // 1. who is calling -> 401; its rate limit -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("rateLimiter", "acquire")
            // 2. the id: a UUID -> 400
            .bean("statusLookup", "readTrackingId")
            // 3. the record, the caller's own -> 404; the store unreadable -> 503
            .to(TrackingRoute.READ_RECORD).id("read-cancel-record")
            .bean("statusLookup", "owned")
            // 4. still cancellable -> 409 once the agent stage has a result; cancelled already: 202 again
            .bean("cancellations", "check")
            .filter(exchangeProperty(Cancellations.REPEATED).isNotEqualTo(true))
                // the query.cancelled message and its targets (endpoints filter it by their events)
                .setBody(method("cancellations", "message"))
                .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "select"))
                // status "cancelled" in the record before anything else, read back: the agent stage may have finished
                // in between (409), or the write been given up (503)
                .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "cancelled")).to(TrackingRoute.RECORD_NOW).id("record-cancelled")
                .to(TrackingRoute.READ_RECORD).id("read-cancelled-record")
                .bean("cancellations", "confirm")
            .end()
            // every replica learns of it from the marker (the agent stage checks before the call; a call in flight is
            // aborted); this one at once
            .bean("cancellationMarkers", "put").id("put-cancel-marker")
            .bean("cancellationWatch", "cancelledHere")
            .filter(exchangeProperty(Cancellations.REPEATED).isNotEqualTo(true))
                // query.cancelled ends the question's event log (its streams end with it)
                .bean("questionEvents", "cancelled")
                // only the queue's own attributes go with the message: the request's headers (a browser sends a dozen)
                // would become SQS message attributes, and more than 10 make SQS refuse the send (a 500)
                .removeHeaders("*", QueueAttributes.MESSAGE_TYPE, QueueAttributes.TRACKING_ID, QueueAttributes.SOURCE_SYSTEM,
                        QueueAttributes.CALLER)
                .to(AgentInvokeRoute.ENQUEUE_DELIVERIES).id("enqueue-cancelled")
                .log("Question ${exchangeProperty.tracking_id} cancelled by its caller")
            .end()
            .bean("intakeResponses", "cancelled");
    }
}
