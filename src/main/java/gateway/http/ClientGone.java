package gateway.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last failure handler of the platform-http servers' routers. A client that closes its connection before
 * its request was read (or whose connection the read timeout closed) is not the gateway's error: it is
 * logged at INFO in one line, where Vert.x logged an ERROR "Unhandled exception in router". Any other
 * failure goes on to {@link UnhandledFailure}, which answers it as a JSON error.
 */
public final class ClientGone {

    private static final Logger LOG = LoggerFactory.getLogger(ClientGone.class);

    private ClientGone() {
    }

    public static void handle(RoutingContext context) {
        if (isClientGone(context, context.failure())) {
            if (context.response().ended()) {
                return; // answered already (the read timeout's 408), then closed
            }
            LOG.info("Client {} closed the connection before its request {} {} was read",
                    context.request().remoteAddress(), context.request().method(), context.request().path());
            return;
        }
        context.next(); // UnhandledFailure: a JSON error
    }

    static boolean isClientGone(RoutingContext context, Throwable failure) {
        if (context.response().closed()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpClosedException || t instanceof java.nio.channels.ClosedChannelException
                    || (t.getMessage() != null && t.getMessage().contains("Connection was closed"))) {
                return true;
            }
        }
        return false;
    }
}
