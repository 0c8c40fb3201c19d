package gateway.config;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.security.RequestAuthenticator;
import gateway.tracking.ConversationExport;
import gateway.tracking.DeliveryAttempts;
import gateway.tracking.PendingRecordWrites;
import gateway.tracking.RecordVersions;
import gateway.tracking.S3RecordStore;
import gateway.tracking.StatusLookup;
import gateway.tracking.StoreRetry;
import gateway.tracking.TrackingRecords;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking: the record store on S3 ({@code trackingRecords}), the pool that writes records off the routes'
 * path ({@code recordWriters}: the queued changes of {@link PendingRecordWrites}, and the delivery's end,
 * a {@code wireTap} whose {@code onPrepare} step {@code tapTime} stamps the moment of the stage), the delivery error handler's
 * {@code onRedelivery} step ({@code recordDeliveryRetry}), the status lookup ({@code statusLookup}) and the
 * conversation export ({@code conversationExport}). Needs {@code s3Bucket}, {@code flowMetrics} and
 * {@code requestAuthenticator}: list it after S3Configuration, MetricsConfiguration and SecurityConfiguration.
 */
public class TrackingConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingConfiguration.class);

    @PropertyInject("gateway.tracking.store-tries")
    private int tries;
    @PropertyInject("gateway.tracking.store-retry-delay-ms")
    private long retryDelayMs;
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

        // a bounded pool: when the store is slow and the queue is full, a record write is dropped (WARN,
        // counted), never the message nor the route's thread
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "record-writer-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor writers = new ThreadPoolExecutor(writerThreads, writerThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(writerQueue), factory, (task, pool) -> {
                    if (task instanceof PendingRecordWrites.Dropped dropped) {
                        dropped.dropped();
                    }
                    metrics.recordStoreError("queue_full");
                    LOG.warn("Record writers are saturated ({} queued): a tracking record update was dropped", writerQueue);
                });
        writers.allowCoreThreadTimeOut(true);
        context.getRegistry().bind("recordWriters", ExecutorService.class, writers);
        // holds a record change TRACKING_WRITE_DELAY_MS so that the record's next changes join its PUT
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "record-write-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);

        S3RecordStore store = new S3RecordStore(bucket, new RecordVersions(cacheSize, cacheMaxMb * 1024L * 1024L));
        StoreRetry retry = new StoreRetry(metrics, tries, retryDelayMs);
        TrackingRecords records = new TrackingRecords(store, retry, Clock.systemUTC(), new DeliveryAttempts(deliveryRetryMax),
                writers, timer, writeDelayMs);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                // what still waits for company is written now, then the writers finish their queue
                timer.shutdownNow();
                records.pending().flushAll();
                writers.shutdown();
                writers.awaitTermination(5, TimeUnit.SECONDS);
            }
        }, false, true);
        context.getRegistry().bind("trackingRecords", TrackingRecords.class, records);
        context.getRegistry().bind("recordDeliveryRetry", records.deliveryRetry());
        context.getRegistry().bind("tapTime", records.tapTimeStamp());
        context.getRegistry().bind("statusLookup", StatusLookup.class, new StatusLookup(records, authenticator, includeAnswer));
        context.getRegistry().bind("conversationExport", ConversationExport.class,
                new ConversationExport(store, retry, records, exportEnabled));
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
