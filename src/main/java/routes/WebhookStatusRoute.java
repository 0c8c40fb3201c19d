package routes;

import gateway.s3.StoreUnavailable;
import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /webhook/{tracking_id}}: the request's tracking record, for the caller that created it.
 * Authenticated like {@code POST /webhook}, with a lookup budget per caller of its own (429); 400 for an id that is not
 * a UUID, 404 for an unknown one (or another caller's), 503 when the record store cannot be read. Errors have the intake's JSON shape. DELETE of the same
 * path cancels the question ({@link WebhookCancelRoute}). {@code ?include=content} adds the question's text and its answer
 * (400 for another include, 403 when {@code STATUS_CONTENT_ON_REQUEST=false}).
 */
public class WebhookStatusRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhook/{tracking_id}")
            .routeId("webhook-status")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Status lookup refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            .onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Store unavailable for a status lookup: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            // DELETE of this path cancels the question (its own route)
            .filter(header(Exchange.HTTP_METHOD).isEqualTo("DELETE")).to(WebhookCancelRoute.CANCEL).id("cancel-question").stop().end()
            .bean("statusLookup", "requireGet")
            // 1. who is calling: the same API keys and signatures as POST /webhook -> 401; its lookup budget -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("statusRateLimiter", "acquire")
            // 2. the id: a UUID -> 400
            .bean("statusLookup", "readTrackingId")
            // 3. ?include=content: the question's text and answer too -> 400 for another include, 403 when turned off
            .bean("statusLookup", "readInclude")
            // 4. the record (only the caller that created it may read it) -> 404; the store unreadable -> 503
            .to(TrackingRoute.READ_RECORD).id("read-status")
            .bean("statusLookup", "find")
            .bean("intakeResponses", "found");
    }
}
