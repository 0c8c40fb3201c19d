package gateway.config;

import gateway.console.ConsolePages;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consoles' pages ({@link ConsolePages}): the caller console on the business port's router, the operator console on
 * the management port's, both mounted once Camel has started (before the gateway is ready). Static files only: the
 * pages call the ports' APIs like any client, with the caller's key or the admin token.
 */
public class ConsoleConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                MainHttpServer business = started.hasService(MainHttpServer.class);
                if (business != null && business.getRouter() != null) {
                    new ConsolePages(ConsolePages.CALLER).mount(business.getRouter());
                    LOG.info("Caller console on http://localhost:{}/console/", business.getPort());
                }
                ManagementHttpServer management = started.hasService(ManagementHttpServer.class);
                if (management != null && management.getRouter() != null) {
                    new ConsolePages(ConsolePages.OPERATOR).mount(management.getRouter());
                    LOG.info("Operator console on http://localhost:{}/console/", management.getPort());
                }
            }
        });
    }
}
