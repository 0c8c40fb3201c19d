package gateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Closes something the configuration made (an SDK client, an embedded server) when Camel stops. Camel's
 * {@code addService} manages only {@link org.apache.camel.Service}s and silently ignores anything else (a
 * plain {@code AutoCloseable} included), so the resource is wrapped in one.
 */
final class CloseOnStop extends ServiceSupport {

    private final AutoCloseable resource;

    private CloseOnStop(AutoCloseable resource) {
        this.resource = resource;
    }

    static void register(CamelContext context, AutoCloseable resource) throws Exception {
        context.addService(new CloseOnStop(resource), false, true);
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
    }
}
