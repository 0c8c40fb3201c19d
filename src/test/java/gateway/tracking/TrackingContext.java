package gateway.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import gateway.config.RetryPolicies;
import gateway.config.TrackingConfiguration;
import gateway.flow.FlowProperties;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.security.ApiKeys;
import gateway.security.RequestAuthenticator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import routes.TrackingRoute;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tracking routes ({@link TrackingRoute}) and the beans {@link TrackingConfiguration} binds for them, in a
 * Camel context of their own on the given S3 client (single-process mode), with the given settings on top of
 * short test ones. {@code customize} may replace beans before the routes start.
 */
final class TrackingContext implements AutoCloseable {

    final DefaultCamelContext context;
    final FlowMetrics metrics = new FlowMetrics(new SimpleMeterRegistry());
    final ProducerTemplate producer;

    private TrackingContext(S3Client s3, String bucket, Map<String, String> settings, Consumer<Registry> customize) throws Exception {
        context = new DefaultCamelContext();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("gateway.s3.bucket", bucket);
        all.put("gateway.tracking.store-tries", "1");
        all.put("gateway.tracking.store-retry-delay-ms", "0");
        all.put("gateway.tracking.writer-threads", "2");
        all.put("gateway.tracking.writer-queue", "100");
        all.put("gateway.tracking.write-delay-ms", "0");
        all.put("gateway.tracking.cache-size", "100");
        all.put("gateway.tracking.cache-max-mb", "1");
        all.put("gateway.status.include-answer", "false");
        all.put("gateway.status.content-on-request", "true");
        all.put("gateway.export.enabled", "false");
        all.put("gateway.list.max-examined", "200");
        all.put("gateway.delivery.retry.max", "3");
        for (String retry : new String[] {"agent", "delivery"}) {
            all.put("gateway." + retry + ".retry.delay-ms", "0");
            all.put("gateway." + retry + ".retry.jitter", "0");
            all.putIfAbsent("gateway." + retry + ".retry.max", "0");
        }
        all.put("gateway.delivery.retry.max-delay-ms", "0");
        all.putAll(settings);
        Properties properties = new Properties();
        properties.putAll(all);
        context.getPropertiesComponent().setInitialProperties(properties);
        Registry registry = context.getRegistry();
        registry.bind("s3Client", S3Client.class, s3);
        registry.bind("s3Bucket", S3Bucket.class, new S3Bucket(s3, bucket, "", false));
        registry.bind("flowMetrics", FlowMetrics.class, metrics);
        registry.bind("requestAuthenticator", RequestAuthenticator.class,
                new RequestAuthenticator(ApiKeys.none(), null, false));
        TrackingConfiguration configuration = new TrackingConfiguration();
        PluginHelper.getBeanPostProcessor(context).postProcessBeforeInitialization(configuration, "tracking");
        configuration.configure(context);
        RetryPolicies retries = new RetryPolicies();
        PluginHelper.getBeanPostProcessor(context).postProcessBeforeInitialization(retries, "retries");
        retries.configure(context);
        customize.accept(registry);
        context.addRoutes(new TrackingRoute());
        context.start();
        producer = context.createProducerTemplate();
    }

    static TrackingContext start(S3Client s3, String bucket, Map<String, String> settings) throws Exception {
        return start(s3, bucket, settings, registry -> { });
    }

    static TrackingContext start(S3Client s3, String bucket, Map<String, String> settings, Consumer<Registry> customize)
            throws Exception {
        return new TrackingContext(s3, bucket, settings, customize);
    }

    /** The stage's change to {@code endpoint} ({@link TrackingRoute#RECORD_CHANGE}...), as a record step hands it on. */
    void send(String endpoint, String trackingId, StageEvent change) {
        Exchange done = producer.send(endpoint, exchange -> {
            exchange.setProperty(FlowProperties.TRACKING_ID, trackingId);
            exchange.setProperty(RecordWriter.CHANGE, change);
        });
        if (done.getException() != null) {
            throw new AssertionError(done.getException());
        }
    }

    /** Sends the exchange through {@code endpoint} as a route's step does, and fails the test on an error. */
    Exchange send(String endpoint, Exchange exchange) {
        Exchange done = producer.send(endpoint, exchange);
        if (done.getException() != null) {
            throw new AssertionError(done.getException());
        }
        return done;
    }

    StageRecords records() {
        Registry registry = context.getRegistry();
        return new StageRecords(registry.lookupByNameAndType("agentStageRecords", AgentStageRecords.class),
                registry.lookupByNameAndType("deliveryStageRecords", DeliveryStageRecords.class),
                registry.lookupByNameAndType("recordLookup", RecordLookup.class),
                registry.lookupByNameAndType("recordWriter", RecordWriter.class));
    }

    /** The record-change step's aggregator. */
    AggregateProcessor changes() {
        return context.getProcessor("coalesce-record-changes", AggregateProcessor.class);
    }

    /** Records with changes waiting to be written. */
    int waiting() {
        return changes().getAggregationRepository().getKeys().size();
    }

    @Override
    public void close() {
        context.stop();
    }
}
