package routes;

import java.io.IOException;
import java.util.List;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.UndeliverableTarget;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import gateway.s3.StoreUnavailable;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.RouteDefinition;

/**
 * The caller's endpoints and their health (docs/api.md), on the business port, authenticated like {@code POST /webhook}:
 * <ul>
 *   <li>{@code GET /endpoints}: its endpoints with their state and parked deliveries (lookup budget, 429);</li>
 *   <li>{@code POST /endpoints/{name}/pause}, {@code .../resume}: nothing is sent to it (its deliveries are parked)
 *       until it is resumed, then they go in order (rate limit, 429);</li>
 *   <li>{@code POST /endpoints/{name}/recover} with {@code {"since"}}: its dead-lettered deliveries since then, not
 *       delivered since, go again in order, with their own webhook-ids ({@link EndpointHealthRoute#RECOVER});</li>
 *   <li>{@code POST /endpoints/{name}/test}: one signed {@code endpoint.test} event to it now, and what came of it (409
 *       while it is paused; rate limit, 429).</li>
 * </ul>
 * Only a caller's own endpoints: another caller's, or an unknown name, answers 404 and changes nothing. 503 when the
 * store of the endpoints' health cannot be used. Errors have the intake's JSON shape.
 */
public class EndpointApiRoute extends RouteBuilder {

    /** The test event of {@code POST /endpoints/{name}/test}, sent once, now; the body is then the answer. */
    static final String SEND_TEST = "direct:send-endpoint-test";

    @Override
    public void configure() {
        endpointApi("/endpoints", "endpoint-list")
            .bean("callerEndpoints", "requireGet")
            // 1. who is calling -> 401; its lookup budget -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("statusRateLimiter", "acquire")
            // 2. its endpoints (none for a caller that owns none: WEBHOOK_URL is the operator's)
            .setBody(method("callerEndpoints", "list")).id("list-endpoints")
            .bean("intakeResponses", "found");

        // pause: nothing is sent to it, its deliveries are parked; resume: they go, in order, then new ones
        for (String action : List.of("pause", "resume")) {
            endpointApi("/endpoints/{name}/" + action, "endpoint-" + action)
                .bean("callerEndpoints", "requirePost")
                // 1. who is calling -> 401; its rate limit -> 429
                .bean("requestAuthenticator", "authenticate")
                .bean("rateLimiter", "acquire")
                // 2. its endpoint of that name -> 404; changed, the endpoint as it is now
                .setBody(method("callerEndpoints", action)).id(action + "-endpoint")
                .log("Caller ${exchangeProperty.caller}: ${header.CamelHttpPath}, done")
                .bean("intakeResponses", "found");
        }

        endpointApi("/endpoints/{name}/recover", "endpoint-recover")
            .bean("callerEndpoints", "requirePost")
            // 1. who is calling -> 401; its rate limit -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("rateLimiter", "acquire")
            // 2. the body: media type 415, size 413, a JSON object 400; its since 400
            .bean("jsonRequestBody", "read")
            // 3. its endpoint of that name -> 404; the recover set up (property EndpointRecovery.PROGRESS)
            .bean("callerEndpoints", "recover")
            // 4. its dead-lettered deliveries since then back in its parked lane, in order; the body is the answer
            .to(EndpointHealthRoute.RECOVER).id("recover-caller-endpoint")
            .log("Caller ${exchangeProperty.caller}: ${header.CamelHttpPath}, done")
            .bean("intakeResponses", "found");

        endpointApi("/endpoints/{name}/test", "endpoint-test")
            .bean("callerEndpoints", "requirePost")
            // 1. who is calling -> 401; its rate limit -> 429
            .bean("requestAuthenticator", "authenticate")
            .bean("rateLimiter", "acquire")
            // 2. its endpoint of that name -> 404; paused or resuming -> 409; the endpoint.test event for it
            .setBody(method("endpointTests", "event")).id("test-event")
            // 3. sent now, once; what came of it is the answer
            .to(SEND_TEST).id("send-test-event")
            .log("Caller ${exchangeProperty.caller}: test event ${exchangeProperty.webhook_id}, delivered: ${body.get('delivered')}"
                    + " (HTTP ${body.get('http_status')}, ${body.get('duration_ms')} ms)")
            .bean("intakeResponses", "found");

        // one attempt of the test event with the delivery stage's own steps: the target resolved from CALLERS_FILE (URL,
        // headers, secrets), signed, POSTed by the receivers' http endpoint (the SSRF guard on its connection, no redirects
        // followed, WEBHOOK_TIMEOUT). Not its ATTEMPT route: a test is no delivery, so the endpoint's health is neither
        // asked (the 409 above is) nor told, and no retry follows. The body becomes the answer
        from(SEND_TEST)
            .routeId("send-endpoint-test")
            .errorHandler(noErrorHandler())
            .doTry()
                .bean("outboundWebhook", "prepare")
                .choice()
                    // a Slack or Teams endpoint gets a short rendered test message, as its deliveries are rendered
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).in(EndpointType.SLACK, EndpointType.TEAMS))
                        .setBody(method("chatMessages", "render")).id("render-chat-test")
                        .to(WebhookDeliverRoute.RECEIVER).id("post-chat-test")
                    // SQS, SNS, EventBridge: the test event on the queue, topic or bus, as a delivery is sent there
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.SQS))
                        .to(AwsDestinationRoutes.SEND_SQS).id("send-test-to-sqs")
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.SNS))
                        .to(AwsDestinationRoutes.PUBLISH_SNS).id("publish-test-to-sns")
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.EVENTBRIDGE))
                        .to(AwsDestinationRoutes.PUT_EVENTBRIDGE).id("put-test-to-eventbridge")
                    .otherwise()
                        .to(WebhookDeliverRoute.RECEIVER).id("post-endpoint-test")
                .end()
                .bean("attemptReport", "succeeded")
            .endDoTry()
            .doCatch(HttpOperationFailedException.class, IOException.class, UndeliverableTarget.class, DestinationFailure.class)
                // a chat service's answer named by its code (slack_channel_not_found), as a delivery's would be
                .bean("chatFailures", "classify")
                .bean("endpointTests", "failed")
            .end()
            .setBody(method("endpointTests", "result"));
    }

    /**
     * The front of each: answered on the business port like the other HTTP routes (a refusal's status and JSON error,
     * 503 when the store cannot be used, the documented 500 for anything else), CORS per the request's Origin.
     */
    private RouteDefinition endpointApi(String path, String routeId) {
        RouteDefinition route = from("platform-http:" + path)
            .routeId(routeId)
            .routeConfigurationId(HttpApiErrors.HTTP_API);
        route.onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Endpoint call refused: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end();
        route.onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Endpoint call failed, the store is unavailable: ${exception.message}")
                .bean("requestAuthenticator", "releaseReplayGuard")
                .bean("intakeResponses", "unavailable")
            .end();
        return route.setProperty(IntakeResponses.ORIGIN, header("Origin"));
    }
}
