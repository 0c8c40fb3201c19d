package gateway.config;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.security.RequestAuthenticator;
import gateway.tracking.ConversationExport;
import gateway.tracking.DeliveryAttempts;
import gateway.tracking.RecordVersions;
import gateway.tracking.S3RecordStore;
import gateway.tracking.StatusLookup;
import gateway.tracking.TrackingRecords;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking: the record store on S3 ({@code recordStore}), what the tracking routes ({@code routes.TrackingRoute})
 * compute for each stage ({@code trackingRecords}), the pool of record writers ({@code recordWriters}: a Camel
 * thread pool that refuses what its queue cannot hold), the status lookup ({@code statusLookup}) and the conversation export's objects
 * ({@code conversationExport}). Needs {@code s3Bucket}, {@code flowMetrics} and {@code requestAuthenticator}:
 * list it after S3Configuration, MetricsConfiguration and SecurityConfiguration.
 */
public class TrackingConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingConfiguration.class);

    @PropertyInject("gateway.tracking.writer-threads")
    private int writerThreads;
    @PropertyInject("gateway.tracking.writer-queue")
    private int writerQueue;
    @PropertyInject("gateway.tracking.write-delay-ms")
    private long writeDelayMs;
    @PropertyInject("gateway.tracking.cache-size")
    private int cacheSize;
    @PropertyInject("gateway.tracking.cache-max-mb")
    private int cacheMaxMb;
    @PropertyInject("gateway.status.include-answer")
    private boolean includeAnswer;
    @PropertyInject("gateway.export.enabled")
    private boolean exportEnabled;
    @PropertyInject("gateway.delivery.retry.max")
    private int deliveryRetryMax;

    @Override
    public void configure(CamelContext context) throws Exception {
        S3Bucket bucket = lookup(context, S3Configuration.BUCKET_BEAN, S3Bucket.class);
        FlowMetrics metrics = lookup(context, "flowMetrics", FlowMetrics.class);
        RequestAuthenticator authenticator = lookup(context, "requestAuthenticator", RequestAuthenticator.class);

        // a bounded pool: a task its queue cannot hold is refused (Abort), and the tracking-writer route drops
        // that write (WARN, counted); Camel shuts it down, after what it holds is written, when the app stops
        ThreadPoolProfile writers = new ThreadPoolProfileBuilder("recordWriters")
                .poolSize(writerThreads).maxPoolSize(writerThreads).maxQueueSize(writerQueue)
                .keepAliveTime(60L, TimeUnit.SECONDS).allowCoreThreadTimeOut(true)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
        context.getRegistry().bind("recordWriters", ExecutorService.class,
                context.getExecutorServiceManager().newThreadPool(this, "record-writer", writers));

        S3RecordStore store = new S3RecordStore(bucket, new RecordVersions(cacheSize, cacheMaxMb * 1024L * 1024L), metrics);
        TrackingRecords records = new TrackingRecords(store, Clock.systemUTC(), new DeliveryAttempts(deliveryRetryMax));
        context.getRegistry().bind("recordStore", S3RecordStore.class, store);
        context.getRegistry().bind("trackingRecords", TrackingRecords.class, records);
        context.getRegistry().bind("statusLookup", StatusLookup.class, new StatusLookup(authenticator, includeAnswer));
        context.getRegistry().bind("conversationExport", ConversationExport.class, new ConversationExport(bucket));
        LOG.info("Tracking records in s3://{}/{}records/ (changes written together after {} ms; cache of last versions: {} records, {} MB); export {}; answers on the status endpoint {}",
                bucket.name(), bucket.prefix(), writeDelayMs, cacheSize, cacheMaxMb, exportEnabled ? "on" : "off", includeAnswer ? "shown" : "hidden");
    }

    private static <T> T lookup(CamelContext context, String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("TrackingConfiguration needs the bean '" + name + "': list it after the class that binds it");
        }
        return bean;
    }
}
