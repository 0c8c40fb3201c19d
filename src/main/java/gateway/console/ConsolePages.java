package gateway.console;

import java.util.Map;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The console's static files, served from the jar on a port's Vert.x router ahead of Camel's routes:
 * {@code /console/} is the page ({@code index.html}), {@code /console/*} its own files (classpath {@code console/caller/}
 * on the business port, {@code console/operator/} on the management port) and {@code /console/shared/*} the files both
 * consoles share (classpath {@code console/shared/}). {@code /console} redirects to {@code /console/}; there is no
 * directory listing, an unknown file is a JSON 404, and every answer carries a strict Content-Security-Policy (no inline
 * script or style, nothing from another origin) and the headers of {@link #HEADERS}. Only GET and HEAD are served here.
 */
public final class ConsolePages {

    /** The classpath folder of the caller console (business port). */
    public static final String CALLER = "console/caller";
    /** The classpath folder of the operator console (management port). */
    public static final String OPERATOR = "console/operator";
    /** The classpath folder of what both consoles share, served at {@code /console/shared/}. */
    public static final String SHARED = "console/shared";

    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Every console answer's headers, the 404 and the redirect included. */
    public static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CSP,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    /** Ahead of every route Camel adds (order 0 and up) and of the event streams (-1). */
    private static final int ORDER = -10;

    private final String pages;

    /** @param pages the classpath folder of this port's console ({@link #CALLER} or {@link #OPERATOR}) */
    public ConsolePages(String pages) {
        this.pages = pages;
    }

    public void mount(Router router) {
        on(router.route("/console"), ORDER).handler(ConsolePages::redirect);
        on(router.route("/console/shared/*"), ORDER + 1).handler(ConsolePages::secured).handler(files(SHARED))
                .handler(ConsolePages::notFound);
        on(router.route("/console/*"), ORDER + 2).handler(ConsolePages::secured).handler(files(pages))
                .handler(ConsolePages::notFound);
    }

    private static Route on(Route route, int order) {
        return route.method(HttpMethod.GET).method(HttpMethod.HEAD).order(order);
    }

    private static StaticHandler files(String root) {
        // from the classpath (the jar), never cached by Vert.x or the browser without a check (Cache-Control: no-cache),
        // no listing, no hidden files, no symbolic links followed
        return StaticHandler.create(root)
                .setDirectoryListing(false)
                .setCachingEnabled(false)
                .setFilesReadOnly(true)
                .setIncludeHidden(false)
                .setAlwaysAsyncFS(true)
                .setIndexPage("index.html")
                .setDefaultContentEncoding("UTF-8");
    }

    /** The headers, written when the answer's head goes (whoever writes it: the file, the 404 or Vert.x itself). */
    private static void secured(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        ctx.addHeadersEndHandler(v -> HEADERS.forEach(response::putHeader));
        ctx.next();
    }

    private static void redirect(RoutingContext ctx) {
        if (!"/console".equals(ctx.request().path())) {
            ctx.next(); // the route's path matches /console/ too
            return;
        }
        HttpServerResponse response = ctx.response();
        HEADERS.forEach(response::putHeader);
        response.setStatusCode(301).putHeader("Location", "/console/").end();
    }

    private static void notFound(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (!response.ended()) {
            response.setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"success\":false,\"error\":\"Not found\"}");
        }
    }
}
