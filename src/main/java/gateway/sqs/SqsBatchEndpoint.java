package gateway.sqs;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Send, delete or change the visibility of SQS messages, the exchanges of the moment sharing batch calls.
 *
 * <p>{@code sqs-batch:<queueName>?operation=sendMessage|deleteMessage|changeMessageVisibility}, producer only.
 * <ul>
 *   <li>{@code sendMessage} (default): the body is the message; headers with a non-empty String (or a
 *   Number) value become message attributes, Camel's own headers excepted — as {@code aws2-sqs} does. On
 *   success the header {@code CamelAwsSqsMessageId} holds the new message's id. To a FIFO queue, the headers
 *   {@code CamelSqsBatchMessageGroupId} and {@code CamelSqsBatchMessageDeduplicationId} give the entry's group
 *   and deduplication id (SQS keeps the order of a group's entries within one batch call).</li>
 *   <li>{@code deleteMessage}: deletes the message whose receipt handle is in {@code CamelAwsSqsReceiptHandle}
 *   (set by the {@code aws2-sqs} consumer).</li>
 *   <li>{@code changeMessageVisibility}: sets that message's visibility timeout to header
 *   {@code CamelAwsSqsVisibilityTimeout} (seconds): it is handed out again that much later.</li>
 * </ul>
 * Every exchange sent to the endpoint (from any number of routes and threads) joins a
 * {@link NaturalBatcher}: up to {@code maxInFlight} batch calls at once, each of up to 10 entries (SQS's
 * limit) and {@code maxBatchBytes}; with nothing else waiting an exchange goes out alone, at once. The
 * exchange continues when its own entry succeeded; a failed entry (or a failed call) fails the exchange
 * with an {@code SqsException}/{@code SdkException}, as a plain call would have. Options: the annotated
 * fields below (what Camel's tooling lists); headers: {@link SqsBatchConstants}.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "sqs-batch", title = "SQS batching producer",
        syntax = "sqs-batch:queueName", producerOnly = true, category = { Category.CLOUD, Category.MESSAGING },
        headersClass = SqsBatchConstants.class)
public class SqsBatchEndpoint extends DefaultEndpoint {

    /** SQS's most entries per batch call. */
    static final int MAX_ENTRIES = 10;

    @UriPath(description = "The queue's name (its URL is looked up once).")
    @Metadata(required = true)
    private final String queueName;
    @UriParam(defaultValue = "sendMessage", enums = "sendMessage,deleteMessage,changeMessageVisibility",
            description = "What is done with each exchange: send its body, delete or change the visibility of the message of its receipt handle.")
    private SqsBatchOperation operation = SqsBatchOperation.sendMessage;
    @UriParam(defaultValue = "4", description = "Batch calls in flight at once (twice as many threads); what arrives meanwhile leaves in the next call.")
    private int maxInFlight;
    @UriParam(defaultValue = "262144", description = "Most message bytes (bodies and attributes) in one SendMessageBatch; SQS's limit is 256 KiB.")
    private int maxBatchBytes;
    @UriParam(label = "advanced", description = "The SQS client (#bean); default: the one SqsClient in the registry.")
    @Metadata(autowired = true)
    private SqsClient sqsClient;

    private ExecutorService executor;
    private NaturalBatcher<SqsBatchEntry> batcher;
    private SqsBatchCalls calls;

    public SqsBatchEndpoint(String uri, SqsBatchComponent component, String queueName) {
        super(uri, component);
        this.queueName = queueName;
    }

    @Override
    public Producer createProducer() {
        return new SqsBatchProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("sqs-batch only sends and deletes; consume with aws2-sqs");
    }

    /** Hands the exchange's entry to the batcher; {@code callback} is called when its batch call is done. */
    void submit(Exchange exchange, AsyncCallback callback, Object request, int bytes) {
        batcher.add(new SqsBatchEntry(exchange, callback, request, bytes));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (sqsClient == null) {
            sqsClient = getCamelContext().getRegistry().findSingleByType(SqsClient.class);
        }
        if (sqsClient == null) {
            throw new IllegalStateException("sqs-batch needs an SqsClient in the registry (or the sqsClient option)");
        }
        calls = new SqsBatchCalls(sqsClient, queueName);
        // twice the calls in flight: a thread that has just finished a call completes its exchanges
        // while the next batch already goes out on another
        executor = getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "sqs-batch-" + operation + "-" + queueName, maxInFlight * 2);
        Function<List<SqsBatchEntry>, Runnable> call = switch (operation) {
            case sendMessage -> calls::send;
            case deleteMessage -> calls::delete;
            case changeMessageVisibility -> calls::changeVisibility;
        };
        MeterRegistry registry = ((SqsBatchComponent) getComponent()).getMeterRegistry();
        if (registry != null) {
            // how full the calls are: mean = messages per call (1 when idle, towards 10 under load)
            DistributionSummary entries = DistributionSummary.builder("gateway.sqs.batch.entries")
                    .description("Messages per SQS batch call of an sqs-batch endpoint")
                    .tags("queue", queueName, "operation", operation.name()).register(registry);
            Function<List<SqsBatchEntry>, Runnable> plain = call;
            call = batch -> {
                entries.record(batch.size());
                return plain.apply(batch);
            };
        }
        batcher = new NaturalBatcher<>(maxInFlight, MAX_ENTRIES, maxBatchBytes, SqsBatchEntry::bytes, call, executor);
    }

    @Override
    protected void doStop() throws Exception {
        if (executor != null) {
            // batches already out finish; what never left is failed so its exchange is not left hanging
            getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
            List<SqsBatchEntry> left = batcher.takeAll();
            left.forEach(e -> e.fail(new IllegalStateException("sqs-batch endpoint stopped before the message was sent")));
            executor = null;
        }
        super.doStop();
    }

    public String getQueueName() {
        return queueName;
    }

    public SqsBatchOperation getOperation() {
        return operation;
    }

    public void setOperation(SqsBatchOperation operation) {
        this.operation = operation;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public int getMaxBatchBytes() {
        return maxBatchBytes;
    }

    public void setMaxBatchBytes(int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    public SqsClient getSqsClient() {
        return sqsClient;
    }

    public void setSqsClient(SqsClient sqsClient) {
        this.sqsClient = sqsClient;
    }
}
