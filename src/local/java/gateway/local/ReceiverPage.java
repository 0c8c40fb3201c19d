package gateway.local;

import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * {@code GET /observe/receiver} on the management port: the local receiver's latest deliveries, as a small
 * HTML page, or as JSON for {@code Accept: application/json}. Only the local profile has it.
 */
final class ReceiverPage {

    private ReceiverPage() {
    }

    static void mountOnManagementPort(CamelContext context, LocalReceiver receiver) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                ManagementHttpServer server = ctx.hasService(ManagementHttpServer.class);
                if (server == null || server.getRouter() == null) {
                    return;
                }
                server.getRouter().route(HttpMethod.GET, "/observe/receiver").handler(route -> {
                    if ("application/json".equals(route.request().getHeader("Accept"))) {
                        route.response().putHeader("Content-Type", "application/json").end(receiver.deliveriesJson());
                    } else {
                        route.response().putHeader("Content-Type", "text/html; charset=utf-8").end(receiver.html());
                    }
                });
            }
        });
    }
}
