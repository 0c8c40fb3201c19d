package gateway.config;

import java.time.Duration;

import gateway.http.FreePort;
import gateway.http.SlowClientLimits;
import io.vertx.core.Vertx;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/**
 * The two HTTP servers of {@code platform-http} (business and management port), first in
 * {@code camel.main.configurationClasses}:
 * <ul>
 *   <li>their ports are checked free before anything starts: Camel's server would otherwise wait for ever
 *       on a port that is taken; now the start stops at once, its one line naming {@code HTTP_PORT} or
 *       {@code MANAGEMENT_PORT};</li>
 *   <li>the Vert.x they run on (Camel takes it from the registry) closes stalled and idle connections
 *       ({@code HTTP_READ_TIMEOUT}, {@code HTTP_IDLE_TIMEOUT}), and a client that hangs up mid-request is
 *       an INFO line, not an ERROR with a stack trace (see {@link SlowClientLimits}).</li>
 * </ul>
 */
public class HttpServerConfiguration implements CamelConfiguration {

    @PropertyInject(value = "camel.server.enabled", defaultValue = "false")
    private boolean serverEnabled;
    @PropertyInject(value = "camel.server.host", defaultValue = "0.0.0.0")
    private String serverHost;
    @PropertyInject(value = "camel.server.port", defaultValue = "0")
    private int serverPort;
    @PropertyInject(value = "camel.management.enabled", defaultValue = "false")
    private boolean managementEnabled;
    @PropertyInject(value = "camel.management.host", defaultValue = "0.0.0.0")
    private String managementHost;
    @PropertyInject(value = "camel.management.port", defaultValue = "0")
    private int managementPort;
    @PropertyInject("gateway.http.read-timeout")
    private String readTimeout;
    @PropertyInject("gateway.http.idle-timeout")
    private String idleTimeout;

    @Override
    public void configure(CamelContext context) throws Exception {
        if (serverEnabled) {
            FreePort.require(serverHost, serverPort);
        }
        if (managementEnabled) {
            FreePort.require(managementHost, managementPort);
        }
        Vertx vertx = Vertx.vertx();
        CloseOnStop.register(context, () -> vertx.close().toCompletionStage().toCompletableFuture().get());
        context.getRegistry().bind("vertx", Vertx.class, SlowClientLimits.apply(vertx,
                Duration.ofMillis(TimeUtils.toMilliSeconds(readTimeout)), Duration.ofMillis(TimeUtils.toMilliSeconds(idleTimeout))));
    }
}
