package gateway.tracing;

import java.util.Map;

import gateway.logging.Redaction;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelLogger;
import org.apache.camel.spi.LogListener;

/**
 * Each line a route's {@code log} step writes is an event {@code log} on the exchange's span, redacted as the log is
 * (the log's redaction is in Log4j, after Camel's log listeners): this replaces Camel's tracer's own listener, which
 * would put the line in the trace as written.
 */
public final class LogEvents implements LogListener {

    private LogEvents() {
    }

    /** After Camel's tracer was installed: its log listener replaced by this one. */
    public static void install(CamelContext context) {
        var listeners = context.getCamelContextExtension().getLogListeners();
        if (listeners != null) {
            listeners.removeIf(l -> l.getClass().getName().startsWith("org.apache.camel.telemetry.Tracer$"));
        }
        context.getCamelContextExtension().addLogListener(new LogEvents());
    }

    @Override
    public String onLog(Exchange exchange, CamelLogger camelLogger, String message) {
        try {
            GatewaySpans.event(GatewaySpans.current(exchange), "log", Map.of("message", Redaction.redact(message)));
        } catch (RuntimeException e) {
            // a trace's event is never worth a route's failure
        }
        return message;
    }
}
