package gateway.config;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import gateway.delivery.DeliveryTarget;
import gateway.endpoints.EndpointHealthStore;
import gateway.endpoints.EndpointRef;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.s3.StoreUnavailable;
import gateway.security.RequestAuthenticator;
import gateway.tracking.AgentStageRecords;
import gateway.tracking.ConversationExport;
import gateway.tracking.DeliveryAttempts;
import gateway.tracking.DeliveryStageRecords;
import gateway.tracking.RecordDeliveryRetry;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordVersions;
import gateway.tracking.RecordWriter;
import gateway.tracking.S3RecordStore;
import gateway.tracking.StatusLookup;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking: the record store on S3 ({@code recordStore}), what the tracking routes ({@code routes.TrackingRoute})
 * compute for each stage ({@code trackingRecords}), the pool of record writers ({@code recordWriters}: a Camel
 * thread pool that refuses what its queue cannot hold), the status lookup ({@code statusLookup}) and the conversation export's objects
 * ({@code conversationExport}), each made when first needed from the beans it takes ({@code s3Bucket},
 * {@code flowMetrics}, {@code requestAuthenticator}).
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
    @PropertyInject("gateway.status.content-on-request")
    private boolean contentOnRequest;
    @PropertyInject("gateway.export.enabled")
    private boolean exportEnabled;

    /**
     * The record writers: a bounded Camel thread pool; a task its queue cannot hold is refused (Abort), and the
     * tracking-writer route drops that write (WARN, counted). Camel shuts it down, after what it holds is written.
     */
    @BindToRegistry(value = "recordWriters", lazy = true)
    public ExecutorService recordWriters(CamelContext context) {
        ThreadPoolProfile writers = new ThreadPoolProfileBuilder("recordWriters")
                .poolSize(writerThreads).maxPoolSize(writerThreads).maxQueueSize(writerQueue)
                .keepAliveTime(60L, TimeUnit.SECONDS).allowCoreThreadTimeOut(true)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
        return context.getExecutorServiceManager().newThreadPool(this, "record-writer", writers);
    }

    @BindToRegistry(value = "recordStore", lazy = true)
    public S3RecordStore recordStore(S3Bucket bucket, FlowMetrics metrics) {
        return new S3RecordStore(bucket, new RecordVersions(cacheSize, cacheMaxMb * 1024L * 1024L), metrics);
    }

    /** The write of a record's changes, and what the routes read from the record as written. */
    @BindToRegistry(value = "recordWriter", lazy = true)
    public RecordWriter recordWriter(S3RecordStore store) {
        return new RecordWriter(store);
    }

    /** Never pay twice: what an earlier receive left in the record. */
    @BindToRegistry(value = "recordLookup", lazy = true)
    public RecordLookup recordLookup() {
        return new RecordLookup(Clock.systemUTC());
    }

    /** The question's changes: queued, processing, retrying, finished, cancelled. */
    @BindToRegistry(value = "agentStageRecords", lazy = true)
    public AgentStageRecords agentStageRecords() {
        return new AgentStageRecords(Clock.systemUTC());
    }

    /** Its deliveries' changes: each attempt, retry, wait and end, and a resend. */
    @BindToRegistry(value = "deliveryStageRecords", lazy = true)
    public DeliveryStageRecords deliveryStageRecords(@BeanInject("deliveryRetryPolicy") RedeliveryPolicy deliveryRetryPolicy) {
        return new DeliveryStageRecords(Clock.systemUTC(), new DeliveryAttempts(deliveryRetryPolicy.getMaximumRedeliveries()));
    }

    /** The delivery error handler's onRedelivery step: each retried attempt in the record (routes.WebhookDeliverRoute). */
    @BindToRegistry(value = "recordDeliveryRetry", lazy = true)
    public RecordDeliveryRetry recordDeliveryRetry(CamelContext context, DeliveryStageRecords records) throws Exception {
        ProducerTemplate changes = context.createProducerTemplate();
        context.addService(changes, true, true);
        return new RecordDeliveryRetry(changes, "direct:record-change", records); // routes.TrackingRoute.RECORD_CHANGE
    }

    @BindToRegistry(value = "statusLookup", lazy = true)
    public StatusLookup statusLookup(RequestAuthenticator authenticator, EndpointHealthStore endpoints) {
        return new StatusLookup(authenticator, includeAnswer, contentOnRequest, ref -> {
            try {
                return endpoints.current(EndpointRef.of(DeliveryTarget.fromJson(ref))).state().wireName();
            } catch (IllegalArgumentException | StoreUnavailable e) {
                return null; // shown as unknown: the delivery itself still says parked
            }
        });
    }

    @BindToRegistry(value = "conversationExport", lazy = true)
    public ConversationExport conversationExport(S3Bucket bucket) {
        return new ConversationExport(bucket);
    }

    @Override
    public void configure(CamelContext context) {
        LOG.info("Tracking records in <S3_PREFIX>records/ of the bucket (changes written together after {} ms; cache of last versions: {} records, {} MB); export {}; answers on the status endpoint {}, question and answer on request (include=content) {}",
                writeDelayMs, cacheSize, cacheMaxMb, exportEnabled ? "on" : "off", includeAnswer ? "shown" : "hidden",
                contentOnRequest ? "allowed" : "refused");
    }
}
