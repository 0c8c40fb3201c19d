package routes;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code CALLERS_FILE}, read again every {@code CALLERS_RELOAD_SECONDS}: a changed file (a rotated Kubernetes
 * Secret) is in force without a restart; a broken one is refused (ERROR, {@code gateway_callers_reloads_total
 * {outcome="refused"}}) and the previous version stays. Without a callers file there is nothing to read.
 */
public class CallersReloadRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:callers-file?delay={{gateway.callers.reload-seconds}}s&period={{gateway.callers.reload-seconds}}s")
            .routeId("callers-reload")
            .autoStartup("{{gateway.callers.reload-enabled}}")
            .bean("callers", "reload").id("reload-callers");
    }
}
