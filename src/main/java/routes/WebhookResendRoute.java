package routes;

import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import gateway.s3.StoreUnavailable;
import gateway.tracking.RecordWriter;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code POST /webhook/{tracking_id}/resend}: the stored result of a question delivered again, to the same targets
 * with the same {@code webhook-id}s, without asking the agent. Authenticated and rate-limited like
 * {@code POST /webhook}; 400 for an id that is not a UUID, 404 for an unknown one (or another caller's), 409 while
 * the question is still being answered, 503 when the record store or the queue cannot be used. 202 when the
 * deliveries are queued; each then has its own retries and DLQ entry as the first time.
 */
public class WebhookResendRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhook/{tracking_id}/resend")
            .routeId("webhook-resend")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Resend refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            .onException(StoreUnavailable.class, SdkException.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Resend failed, the store or the queue is unavailable: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .bean("resends", "requirePost")
            // 1. who is calling -> 401; its rate limit -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("rateLimiter", "acquire")
            // 2. the id: a UUID -> 400
            .bean("statusLookup", "readTrackingId")
            // 3. the record, the caller's own -> 404; the store unreadable -> 503
            .to(TrackingRoute.READ_RECORD).id("read-resend-record")
            .bean("statusLookup", "owned")
            // 4. its stored result and targets -> 409 while it is still being answered
            .bean("resends", "prepare")
            // the record shows the resend (every delivery pending again) before the messages are queued
            .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "resent")).to(TrackingRoute.RECORD_NOW).id("record-resend")
            .to(AgentInvokeRoute.ENQUEUE_DELIVERIES).id("enqueue-resend")
            .log("Resend of ${exchangeProperty.tracking_id} queued")
            .bean("intakeResponses", "resent");
    }
}
