package routes;

import gateway.intake.IntakeRejection;
import gateway.s3.StoreUnavailable;
import gateway.tracking.QuestionListQuery;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /webhook} (handed over by {@link WebhookIntakeRoute}, which owns the path): the caller's own questions,
 * newest first, a page at a time, from the question index ({@code gateway.tracking.QuestionIndex}), never from the
 * records. Authenticated like {@code GET /webhook/{tracking_id}} and with the same lookup budget per caller (401, 429);
 * 400 for a bad query value; 503 when the index cannot be read. Errors have the intake's JSON shape.
 */
public class QuestionListRoute extends RouteBuilder {

    public static final String LIST = "direct:list-questions";

    @Override
    public void configure() {
        from(LIST)
            .routeId("webhook-list")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Question list refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            .onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Store unavailable for a question list: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end()
            // 1. who is calling: the status lookup's keys -> 401, and its lookup budget -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("statusRateLimiter", "acquire")
            // 2. the query: outcome, status, session_id, since, until, q, limit, cursor -> 400
            .bean(QuestionListQuery.class, "read")
            // 3. the page: one ListObjectsV2 of the caller's index, then a GET per summary examined -> 503
            .setBody(method("questionIndex", "page")).id("read-index")
            .bean("intakeResponses", "found");
    }
}
