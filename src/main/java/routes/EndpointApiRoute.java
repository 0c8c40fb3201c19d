package routes;

import java.util.List;

import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import gateway.s3.StoreUnavailable;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * The caller's endpoints and their health (docs/api.md), on the business port, authenticated like {@code POST /webhook}:
 * <ul>
 *   <li>{@code GET /endpoints}: its endpoints with their state and parked deliveries (lookup budget, 429);</li>
 *   <li>{@code POST /endpoints/{name}/pause}, {@code .../resume}: nothing is sent to it (its deliveries are parked)
 *       until it is resumed, then they go in order (rate limit, 429);</li>
 *   <li>{@code POST /endpoints/{name}/recover} with {@code {"since"}}: its dead-lettered deliveries since then, not
 *       delivered since, go again in order, with their own webhook-ids ({@link EndpointHealthRoute#RECOVER}).</li>
 * </ul>
 * Only a caller's own endpoints: another caller's, or an unknown name, answers 404 and changes nothing. 503 when the
 * store of the endpoints' health cannot be used. Errors have the intake's JSON shape.
 */
public class EndpointApiRoute extends RouteBuilder {

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
