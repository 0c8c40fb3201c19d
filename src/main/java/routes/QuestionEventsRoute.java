package routes;

import gateway.events.QuestionStreams;
import gateway.events.QuestionWebhooks;
import gateway.intake.IntakeResponses;
import gateway.intake.IntakeRejection;
import gateway.s3.StoreUnavailable;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * A question's events (docs/events.md): the one look at {@code watch/} every {@code CANCEL_POLL_MS} (cancellations for
 * the agent calls in flight here, changes for the streams open here; none when neither), the webhook of a start or
 * progress event (sent once through the delivery stage's attempt), and {@code GET /webhook/{tracking_id}/events}, the
 * question's event stream for the caller that owns it.
 */
public class QuestionEventsRoute extends RouteBuilder {

    @Override
    public void configure() {
        // cancellations made on other replicas (the agent stage never asks a cancelled question; a call in flight here is
        // aborted) and the events of the questions streamed from here: one S3 LIST, only while either is in play
        from("timer:question-watch?delay=0&period={{gateway.cancel.poll-ms}}")
            .routeId("question-watch")
            .bean("questionWatch", "poll").id("list-watch");

        // a start or progress event to one receiver: signed like an answer, through the attempt (the SSRF guard, the
        // endpoint's health: a paused endpoint gets none), once; a failure is noted and the next event follows
        from(QuestionWebhooks.ROUTE)
            .routeId("send-question-event")
            .errorHandler(noErrorHandler())
            .doTry()
                .bean("outboundWebhook", "prepare")
                .to(WebhookDeliverRoute.ATTEMPT).id("post-question-event")
            .doCatch(Exception.class)
                .log(LoggingLevel.INFO, "Event ${exchangeProperty.webhook_id} not delivered (events are sent once): ${exception.class.simpleName}")
            .end();

        // GET /webhook/{tracking_id}/events is served on the port's router ahead of Camel's routes
        // (gateway.events.QuestionStreams: an open stream holds no thread); it runs these checks once, with the request
        // as the message: the same keys, budget and 404s as the question's status, and a Last-Event-ID that is one
        from(QuestionStreams.CHECKS)
            .routeId("question-events")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Event stream refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            .onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Store unavailable for an event stream: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .bean("requestAuthenticator", "authenticate")
            .bean("statusRateLimiter", "acquire")
            .bean("statusLookup", "readTrackingId")
            .bean("questionStreams", "readLastEventId")
            .to(TrackingRoute.READ_RECORD).id("read-streamed-record")
            .bean("statusLookup", "owned")
            .bean("questionStreams", "allow").id("open-stream");

        // any other method of the path: 405 (Allow: GET)
        from("platform-http:/webhook/{tracking_id}/events")
            .routeId("question-events-methods")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .bean("intakeResponses", "rejected")
            .end()
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .bean("statusLookup", "requireGetOnly")
            .throwException(new IllegalStateException("GET of the event stream reached Camel: QuestionStreams is not mounted"));
    }
}
