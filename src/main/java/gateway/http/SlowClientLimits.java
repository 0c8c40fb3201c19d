package gateway.http;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits for clients that are slow or gone, on the HTTP servers of {@code platform-http} (the business
 * and the management port). Camel builds their {@code HttpServerOptions} itself with no timeout at all, so
 * a client that sent its headers and a byte of its body held its connection for ever. Camel takes the
 * Vert.x instance from the registry; the one bound there is this view of a real one, which adds to every
 * HTTP server it creates:
 * <ul>
 *   <li>an idle timeout ({@code HTTP_IDLE_TIMEOUT}, 60 s): a connection on which nothing is read or written
 *       for that long is closed, whether an idle keep-alive one or a client stalled mid-request;</li>
 *   <li>a read timeout ({@code HTTP_READ_TIMEOUT}, 30 s): a request whose body has not fully arrived that
 *       long after its headers is answered 408 (with {@code Connection: close}) and its connection closed,
 *       however slowly the client keeps trickling bytes;</li>
 *   <li>on the server's root router, {@link ClientGone} as the last failure handler: a client that hangs up
 *       mid-request is an INFO line, not an ERROR with a stack trace; then {@link UnhandledFailure}: any other failure
 *       is answered with a JSON error (500 "Internal error"), never a page or a stack trace;</li>
 *   <li>no body is decoded as a form ({@link #noFormDecoding}): Vert.x's form decoding failed with a 500 on some
 *       requests, and would spool multipart uploads to files;</li>
 *   <li>a path no route serves answers 404 with a JSON error ({@code {"success":false,"error":"Not found: no such
 *       path"}}), not Vert.x's HTML page, and a method no route of the path takes (the management port's) 405 with
 *       {@code {"success":false,"error":"Method not allowed"}}.</li>
 * </ul>
 */
public final class SlowClientLimits {

    private static final Logger LOG = LoggerFactory.getLogger(SlowClientLimits.class);
    static final String TIMEOUT_BODY = "{\"success\":false,\"error\":\"Request timeout: the request was not received in time\"}";

    private final Vertx vertx;
    private final long readTimeoutMs;
    private final long idleTimeoutMs;

    private SlowClientLimits(Vertx vertx, Duration readTimeout, Duration idleTimeout) {
        this.vertx = vertx;
        this.readTimeoutMs = readTimeout.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
    }

    /** {@code vertx}, whose HTTP servers get these limits (a zero duration turns that limit off). */
    public static Vertx apply(Vertx vertx, Duration readTimeout, Duration idleTimeout) {
        SlowClientLimits limits = new SlowClientLimits(vertx, readTimeout, idleTimeout);
        return (Vertx) Proxy.newProxyInstance(SlowClientLimits.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class}, limits.vertxView());
    }

    private InvocationHandler vertxView() {
        return (proxy, method, args) -> {
            if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                    && args[0] instanceof HttpServerOptions options) {
                HttpServerOptions limited = new HttpServerOptions(options);
                if (idleTimeoutMs > 0) {
                    limited.setIdleTimeout((int) idleTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
                }
                return serverView(vertx.createHttpServer(limited));
            }
            if (method.getDeclaringClass() == Object.class && method.getName().equals("equals")) {
                return proxy == args[0];
            }
            return call(vertx, method, args);
        };
    }

    private HttpServer serverView(HttpServer server) {
        return (HttpServer) Proxy.newProxyInstance(SlowClientLimits.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                        @SuppressWarnings("unchecked")
                        Handler<HttpServerRequest> handler = (Handler<HttpServerRequest>) args[0];
                        if (handler instanceof Router router) {
                            // the root router's last failure handler: a client gone mid-request is an INFO line
                            router.route().order(Integer.MAX_VALUE).failureHandler(ClientGone::handle)
                                    .failureHandler(UnhandledFailure::handle);
                            // a path no route serves: a JSON error like every other, not Vert.x's HTML page
                            router.errorHandler(404, SlowClientLimits::notFound);
                            // a method the path's routes do not take (the management port's): a JSON error too
                            router.errorHandler(405, SlowClientLimits::methodNotAllowed);
                        }
                        Handler<HttpServerRequest> noForms = request -> {
                            noFormDecoding(request);
                            handler.handle(request);
                        };
                        server.requestHandler(readTimeoutMs > 0 ? request -> withReadTimeout(request, noForms) : noForms);
                        return proxy;
                    }
                    if (method.getDeclaringClass() == Object.class && method.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    Object result = call(server, method, args);
                    return result == server ? proxy : result;
                });
    }

    static final String NOT_FOUND_BODY = "{\"success\":false,\"error\":\"Not found: no such path\"}";

    static final String METHOD_NOT_ALLOWED_BODY = "{\"success\":false,\"error\":\"Method not allowed\"}";

    private static void notFound(io.vertx.ext.web.RoutingContext context) {
        answer(context, 404, NOT_FOUND_BODY);
    }

    private static void methodNotAllowed(io.vertx.ext.web.RoutingContext context) {
        answer(context, 405, METHOD_NOT_ALLOWED_BODY);
    }

    private static void answer(io.vertx.ext.web.RoutingContext context, int status, String body) {
        if (!context.response().ended()) {
            context.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
        }
    }

    /**
     * No request is decoded as a form: the gateway takes JSON only. Vert.x's body handler would decode a body that says
     * it is a form ({@code multipart/*}, {@code application/x-www-form-urlencoded}): on a GET it throws, on a multipart
     * type with an empty boundary Netty's decoder throws (both a 500), and a multipart upload would be spooled to files.
     * Such a request's media type is taken as {@code application/octet-stream} instead: where a body is read it is
     * refused 415, as any other non-JSON type.
     */
    static void noFormDecoding(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return;
        }
        String lower = type.strip().toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded")) {
            request.headers().set(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        }
    }

    private void withReadTimeout(HttpServerRequest request, Handler<HttpServerRequest> handler) {
        // the timer holds the request weakly: a request that was answered long ago (nothing else holds it)
        // costs the timer nothing, while one still being read is held by its connection
        WeakReference<HttpServerRequest> pending = new WeakReference<>(request);
        vertx.setTimer(readTimeoutMs, id -> {
            HttpServerRequest stalled = pending.get();
            if (stalled != null && !stalled.isEnded()) {
                readTimedOut(stalled);
            }
        });
        handler.handle(request);
    }

    private void readTimedOut(HttpServerRequest request) {
        LOG.info("Request {} {} from {} not received within {} ms (HTTP_READ_TIMEOUT): answered 408, connection closed",
                request.method(), request.path(), request.remoteAddress(), readTimeoutMs);
        HttpServerResponse response = request.response();
        if (!response.headWritten() && !response.closed()) {
            response.setStatusCode(408)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "close")
                    .end(TIMEOUT_BODY)
                    .onComplete(done -> request.connection().close());
        } else {
            request.connection().close();
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
