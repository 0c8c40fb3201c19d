package gateway.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The very last failure handler of both ports' routers, after {@link ClientGone}: a failure that nothing else
 * answered gets the documented JSON error, never Vert.x's page or a stack trace. A 500 (or a failure without a status)
 * is {@code {"success":false,"error":"Internal error"}} and one ERROR line naming the failure's class and the path (no
 * query, no message: either may carry what a log must not); the stack trace is at DEBUG. A failure with a client
 * error status of its own (413 from the body limit, say) keeps it, with a JSON body.
 */
public final class UnhandledFailure {

    static final String INTERNAL_ERROR_BODY = "{\"success\":false,\"error\":\"Internal error\"}";
    private static final Logger LOG = LoggerFactory.getLogger(UnhandledFailure.class);

    private UnhandledFailure() {
    }

    public static void handle(RoutingContext context) {
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        int status = context.statusCode();
        Throwable failure = context.failure();
        if (status >= 400 && status < 500) {
            answer(context, status, "{\"success\":false,\"error\":\"" + reason(status) + "\"}");
            return;
        }
        LOG.error("Unhandled failure answering {} {}: {}", context.request().method(), context.request().path(),
                failure == null ? "HTTP " + status : failure.getClass().getName());
        LOG.debug("Unhandled failure", failure);
        answer(context, 500, INTERNAL_ERROR_BODY);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found: no such path";
            case 405 -> "Method not allowed";
            case 408 -> "Request timeout: the request was not received in time";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type";
            case 429 -> "Too many requests";
            default -> "Request refused";
        };
    }

    private static void answer(RoutingContext context, int status, String body) {
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
