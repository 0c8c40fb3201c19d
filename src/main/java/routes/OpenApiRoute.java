package routes;

import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code GET /openapi.json}: the public API's OpenAPI 3.1 document ({@code src/main/resources/openapi/gateway-api.yaml},
 * as JSON), without authentication. Other methods get the intake's 405. The management port serves its own document
 * ({@code gateway.admin.ManagementEndpoints}).
 */
public class OpenApiRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/openapi.json")
            .routeId("openapi-document")
            .routeConfigurationId(HttpApiErrors.HTTP_API)
            .onException(IntakeRejection.class)
                .handled(true)
                .bean("intakeResponses", "rejected")
            .end()
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .bean("gatewayApiDocument", "requireGet")
            .bean("gatewayApiDocument", "serve");
    }
}
