package routes;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * The last word of every route that answers HTTP on the business port ({@code routeConfigurationId(HTTP_API)}): a
 * failure that the route's own {@code onException} clauses do not answer (a bug, an unexpected exception) is answered
 * with the documented JSON error, {@code 500 {"success":false,"error":"Internal error",...}}, never with Camel's stack
 * trace as the body. One ERROR line names the route and the failure's class; its message stays out (it may quote a
 * URL, a key or an AWS error). The route's own clauses come first: this one only catches what they leave.
 */
public class HttpApiErrors extends RouteConfigurationBuilder {

    public static final String HTTP_API = "http-api";

    @Override
    public void configuration() {
        routeConfiguration(HTTP_API)
            .onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Unhandled failure in ${routeId}: ${exception.class.name}")
                .bean("intakeResponses", "internalError")
            .end();
    }
}
