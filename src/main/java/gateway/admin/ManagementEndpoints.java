package gateway.admin;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.contract.OpenApiDocument;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.s3.StoreUnavailable;
import gateway.security.AdminAuthenticator;
import gateway.security.RateLimiter;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's endpoints on the management port (never the public one):
 * <ul>
 *   <li>{@code GET /admin/dlq/{requests|deliveries}?max=N} lists dead letters;</li>
 *   <li>{@code POST /admin/dlq/{requests|deliveries}/redrive[?message_id=ID&message_id=ID...]} moves them back (all,
 *       or the ones named: an id not found is reported, not an error);</li>
 *   <li>{@code GET /admin/callers}: the callers in force and their endpoints (counts and names, never a key, a secret
 *       or a header value), and the state of the callers file's reloads;</li>
 *   <li>{@code GET /admin/overview}: this instance's last hour, a point a minute ({@code gateway.metrics.MetricsOverview});</li>
 *   <li>{@code GET /admin/endpoints}: every endpoint with its health and parked deliveries;
 *       {@code POST /admin/endpoints/{caller}/{name}/pause|resume|recover} for any of them ({@link EndpointAdmin});</li>
 *   <li>{@code GET /openapi.json}: this port's OpenAPI document ({@code admin-api.yaml}), without a token.</li>
 * </ul>
 * The dead-letter calls call their routes ({@code routes.DeadLetterAdminRoute}); each operator action is one WARN
 * line. Admin calls need {@code Authorization: Bearer <ADMIN_TOKEN>} and are throttled per client IP
 * ({@code ADMIN_RATE_LIMIT_PER_MINUTE}: 429 with {@code Retry-After}).
 */
public final class ManagementEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);
    private static final int MAX_LIST = 500;
    /** A recover's body is {@code {"since":"<time>"}}: anything much larger is refused (413) before it is read. */
    private static final int RECOVER_BODY_LIMIT = 16 * 1024;

    private final DeadLetterAdmin admin;
    private final ProducerTemplate routes;
    private final AdminAuthenticator authenticator;
    private final Supplier<ObjectNode> callers;
    private final OpenApiDocument document;
    private final RateLimiter throttle;
    private final EndpointAdmin endpoints;
    private final Supplier<ObjectNode> overview;

    /**
     * @param routes  calls the dead-letter routes ({@code routes.DeadLetterAdminRoute})
     * @param callers the operators' view of the callers in force
     * @param document this port's OpenAPI document
     * @param throttle  admin calls per client IP ({@code ADMIN_RATE_LIMIT_PER_MINUTE}), refused ones included
     * @param endpoints the endpoints' health, for operators
     * @param overview  this instance's last hour ({@code gateway.metrics.MetricsOverview#view})
     */
    public ManagementEndpoints(DeadLetterAdmin admin, ProducerTemplate routes, AdminAuthenticator authenticator,
            Supplier<ObjectNode> callers, OpenApiDocument document, RateLimiter throttle, EndpointAdmin endpoints,
            Supplier<ObjectNode> overview) {
        this.admin = admin;
        this.routes = routes;
        this.authenticator = authenticator;
        this.callers = callers;
        this.document = document;
        this.throttle = throttle;
        this.endpoints = endpoints;
        this.overview = overview;
    }

    public void mount(Router router) {
        router.route(HttpMethod.GET, "/openapi.json").handler(ctx ->
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(document.json()));
        router.route(HttpMethod.GET, "/admin/callers").blockingHandler(ctx -> {
            if (authorized(ctx)) {
                json(ctx, 200, callers.get());
            }
        });
        router.route(HttpMethod.GET, "/admin/overview").blockingHandler(ctx -> {
            if (authorized(ctx)) {
                json(ctx, 200, overview.get());
            }
        });
        router.route(HttpMethod.GET, "/admin/dlq/:queue").blockingHandler(ctx -> guarded(ctx, () ->
                call(DeadLetterAdmin.listEndpoint(ctx.pathParam("queue")), bounded(ctx.queryParams().get("max")), null)));
        router.route(HttpMethod.POST, "/admin/dlq/:queue/redrive").blockingHandler(ctx -> guarded(ctx, () -> {
            List<String> chosen = ctx.queryParams().getAll("message_id");
            ObjectNode result = call(DeadLetterAdmin.redriveEndpoint(ctx.pathParam("queue")),
                    bounded(ctx.queryParams().get("max")), chosen.isEmpty() ? null : new LinkedHashSet<>(chosen));
            LOG.warn("Operator redrove {} message(s) from the {} dead-letter queue", result.get("redriven"),
                    ctx.pathParam("queue"));
            return result;
        }));
        router.route(HttpMethod.GET, "/admin/endpoints").blockingHandler(ctx -> endpointCall(ctx, endpoints::list));
        router.route(HttpMethod.POST, "/admin/endpoints/:caller/:name/pause").blockingHandler(ctx -> endpointCall(ctx, () -> {
            ObjectNode result = endpoints.pause(ctx.pathParam("caller"), ctx.pathParam("name"));
            LOG.warn("Operator paused endpoint {}/{}", ctx.pathParam("caller"), ctx.pathParam("name"));
            return result;
        }));
        router.route(HttpMethod.POST, "/admin/endpoints/:caller/:name/resume").blockingHandler(ctx -> endpointCall(ctx, () -> {
            ObjectNode result = endpoints.resume(ctx.pathParam("caller"), ctx.pathParam("name"));
            LOG.warn("Operator resumed endpoint {}/{}", ctx.pathParam("caller"), ctx.pathParam("name"));
            return result;
        }));
        router.route(HttpMethod.POST, "/admin/endpoints/:caller/:name/recover")
                .handler(BodyHandler.create(false).setBodyLimit(RECOVER_BODY_LIMIT))
                .blockingHandler(ctx -> endpointCall(ctx, () -> {
                    byte[] body = ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
                    ObjectNode result = endpoints.recover(ctx.pathParam("caller"), ctx.pathParam("name"),
                            ctx.request().getHeader("Content-Type"), body);
                    LOG.warn("Operator recovered {} delivery(ies) of endpoint {}/{} since {}", result.get("recovered"),
                            ctx.pathParam("caller"), ctx.pathParam("name"), result.path("since").asText());
                    return result;
                }));
    }

    /** An endpoint call: 200 with its answer; a refusal's status (404 unknown, 400 a bad since); 503 when the store is down. */
    private void endpointCall(RoutingContext ctx, Supplier<ObjectNode> call) {
        if (!authorized(ctx)) {
            return;
        }
        try {
            json(ctx, 200, call.get());
        } catch (IntakeRejection e) {
            json(ctx, e.status(), error(e.getMessage()));
        } catch (StoreUnavailable e) {
            LOG.error("Admin endpoint operation failed: {}", e.getMessage());
            json(ctx, 503, error("endpoint store unavailable"));
        }
    }

    /**
     * True when the call is within the client's admin budget and has the admin token (or admin is open); else it is
     * answered 429, 401 or 403 here. The budget is taken first, so guessing a token is as slow as any other call.
     */
    private boolean authorized(RoutingContext ctx) {
        long waitNanos = throttle.tryAcquire("admin:" + ctx.request().remoteAddress().hostAddress());
        if (waitNanos > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            json(ctx, 429, error("too many admin calls: retry after " + seconds + " s"));
            return false;
        }
        AdminAuthenticator.Decision decision = authenticator.check(ctx.request().getHeader("Authorization"));
        if (!decision.allowed()) {
            json(ctx, decision.status(), error(decision == AdminAuthenticator.Decision.DISABLED
                    ? "admin operations are disabled: set ADMIN_TOKEN" : "missing or wrong admin token"));
            return false;
        }
        if (decision == AdminAuthenticator.Decision.ALLOWED_WITHOUT_TOKEN) {
            LOG.warn("Admin operation {} allowed without a token: ADMIN_TOKEN is not set (dev profile)", ctx.request().path());
        }
        return true;
    }

    private void guarded(RoutingContext ctx, Supplier<ObjectNode> action) {
        if (!authorized(ctx)) {
            return;
        }
        if (!admin.knows(ctx.pathParam("queue"))) {
            json(ctx, 404, error("unknown queue: use requests or deliveries"));
            return;
        }
        try {
            json(ctx, 200, action.get());
        } catch (RuntimeException e) {
            LOG.error("Admin operation failed", e);
            json(ctx, 503, error("queue service unavailable"));
        }
    }

    /** Calls a dead-letter route; its failure is thrown (and answered 503). */
    private ObjectNode call(String route, int max, Set<String> messageIds) {
        Exchange done = routes.send(route, exchange -> {
            exchange.setProperty(FlowProperties.DLQ_MAX, max);
            if (messageIds != null) {
                exchange.setProperty(FlowProperties.DLQ_MESSAGE_IDS, Collections.unmodifiableSet(messageIds));
            }
        });
        if (done.getException() != null) {
            throw RuntimeCamelException.wrapRuntimeCamelException(done.getException());
        }
        return done.getMessage().getBody(ObjectNode.class);
    }

    private static int bounded(String max) {
        try {
            return max == null ? 100 : Math.max(1, Math.min(MAX_LIST, Integer.parseInt(max)));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode body = Json.object();
        body.put("success", false);
        body.put("error", message);
        return body;
    }

    private static void json(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }
}
