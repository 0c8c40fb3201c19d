package gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import gateway.tracing.LogEvents;
import gateway.tracing.QuestionTraces;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces (docs/tracing.md): Camel's own tracer ({@code camel-opentelemetry2}) over an OpenTelemetry SDK made for this
 * Camel context by the SDK's autoconfiguration, exporting over OTLP/HTTP. Installed only when an OTLP endpoint is given
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) or {@code OTEL_TRACES_EXPORTER}
 * names {@code otlp}; otherwise nothing is installed: no tracer, no route policy, no event notifier, no SDK.
 *
 * <p>The SDK reads the standard {@code OTEL_*} variables and {@code otel.*} system properties itself; the Camel
 * properties {@code otel.*} (application.properties, or a test's overrides) are its defaults below them, so two apps in
 * one JVM can each have their own service name and endpoint. The SDK is not made global.
 */
public class TracingConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TracingConfiguration.class);

    /** The gateway's own defaults, below the {@code otel.*} properties, the environment and the system properties. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "ai-webhook-gateway",
            "otel.traces.exporter", "otlp",
            // the JDK sender speaks OTLP/HTTP only (no gRPC jars in the image)
            "otel.exporter.otlp.protocol", "http/protobuf",
            // W3C trace context only: no baggage header on queue messages and webhooks
            "otel.propagators", "tracecontext",
            // metrics stay on /observe/metrics (Prometheus), logs on stdout
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    @PropertyInject(value = "gateway.tracing.exclude-patterns", defaultValue = "timer:*")
    private String excludePatterns;

    /** The spans the gateway makes itself (a redrive's): on the SDK made below, or a no-op when tracing is off. */
    @BindToRegistry(value = "questionTraces", lazy = true)
    public QuestionTraces questionTraces(CamelContext context) {
        Tracer tracer = context.getRegistry().lookupByNameAndType("openTelemetryTracer", Tracer.class);
        ContextPropagators propagators = context.getRegistry().lookupByNameAndType("openTelemetryPropagators", ContextPropagators.class);
        return tracer == null || propagators == null ? QuestionTraces.off() : new QuestionTraces(tracer, propagators);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Map<String, String> given = given(context);
        if (!enabled(given)) {
            LOG.debug("Tracing off: no OTLP endpoint configured");
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
        settings.putAll(given);
        AutoConfiguredOpenTelemetrySdk configured = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> settings)
                .disableShutdownHook()
                .build();
        OpenTelemetrySdk sdk = configured.getOpenTelemetrySdk();
        // camel-opentelemetry2 takes the tracer and the propagators from the registry before GlobalOpenTelemetry
        context.getRegistry().bind("openTelemetryTracer", Tracer.class, sdk.getTracer("ai-webhook-gateway"));
        context.getRegistry().bind("openTelemetryPropagators", ContextPropagators.class, sdk.getPropagators());
        // the SDK is closed when Camel stops (closing exports the spans still queued)
        CloseOnStop.register(context, sdk);
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setExcludePatterns(excludePatterns == null || excludePatterns.isBlank() ? null : excludePatterns);
        tracer.setTraceProcessors(false);
        // registers its route policy factory, event notifier and log listener now, before the routes are made
        tracer.init(context);
        // the route's log lines as span events, redacted as the log is (not Camel's listener: it would put them as written)
        LogEvents.install(context);
        LOG.info("Tracing on: service {}, exported to {}", value(settings, "otel.service.name"),
                firstSet(settings, "otel.exporter.otlp.traces.endpoint", "otel.exporter.otlp.endpoint"));
    }

    /** The Camel properties {@code otel.*} that have a value (the SDK itself puts the environment and system properties over them). */
    static Map<String, String> given(CamelContext context) {
        Map<String, String> settings = new LinkedHashMap<>();
        Properties camel = context.getPropertiesComponent().loadProperties(key -> key.startsWith("otel."));
        for (String key : camel.stringPropertyNames()) {
            String value = context.resolvePropertyPlaceholders(camel.getProperty(key));
            if (value != null && !value.isBlank()) {
                settings.put(key, value.strip());
            }
        }
        return settings;
    }

    /** On when an OTLP endpoint is given, or the traces exporter is named otlp, in any of the places the SDK reads. */
    static boolean enabled(Map<String, String> given) {
        String exporter = value(given, "otel.traces.exporter");
        if (exporter != null) {
            return exporter.contains("otlp");
        }
        return firstSet(given, "otel.exporter.otlp.traces.endpoint", "otel.exporter.otlp.endpoint") != null;
    }

    /** A setting as the SDK will see it: system property, environment variable, then ours. */
    private static String value(Map<String, String> settings, String key) {
        String outside = setOutside(key);
        return outside != null ? outside : settings.get(key);
    }

    private static String setOutside(String key) {
        String property = System.getProperty(key);
        if (property != null && !property.isBlank()) {
            return property.strip();
        }
        String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        return env != null && !env.isBlank() ? env.strip() : null;
    }

    private static String firstSet(Map<String, String> settings, String... keys) {
        for (String key : keys) {
            String v = value(settings, key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
