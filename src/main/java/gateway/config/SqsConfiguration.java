package gateway.config;

import java.net.URI;
import java.time.Duration;

import gateway.sqs.LongPollCallTimeout;
import gateway.sqs.LongPolls;
import gateway.sqs.QueueLimits;
import gateway.sqs.SessionTurns;
import gateway.sqs.SqsPollErrors;
import gateway.sqs.SqsReadinessCheck;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The SQS side of the gateway: one {@link SqsClient} shared by every {@code aws2-sqs} endpoint
 * (autowired; its long polls on a connection pool of their own, see {@link LongPolls}), pointed at AWS or at {@code SQS_ENDPOINT}; what the queues' redrive policies allow; and the SQS readiness check.
 * The queues themselves come from infrastructure (the local profile's stand-ins create theirs).
 */
public class SqsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SqsConfiguration.class);

    @PropertyInject("gateway.sqs.call-timeout-ms")
    private long callTimeoutMs;
    @PropertyInject("gateway.sqs.max-connections")
    private int maxConnections;
    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;


    private SqsClient newSqsClient(AwsSettings aws) {
        SqsClientBuilder builder = SqsClient.builder()
                .region(Region.of(aws.region()))
                .credentialsProvider(aws.credentials(aws.sqsEndpoint()))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(callTimeoutMs))
                        // a long poll (ReceiveMessage with WaitTimeSeconds) gets its wait on top of that
                        .addExecutionInterceptor(new LongPollCallTimeout(Duration.ofMillis(callTimeoutMs))));
        URI override = AwsSettings.override(aws.sqsEndpoint());
        if (override != null) {
            builder.endpointOverride(override);
        }
        return builder.build();
    }

    // memoised: the context's stop notifier and health check below use the same client as the registry
    private SqsClient client;

    /** The client every {@code aws2-sqs} endpoint autowires and the gateway's SQS steps use. */
    @BindToRegistry(value = "sqsClient", lazy = true)
    public synchronized SqsClient sqsClient(AwsSettings aws) {
        if (client == null) {
            LOG.info("SQS: endpoint={}", aws.sqsEndpoint().isBlank() ? "(AWS)" : aws.sqsEndpoint());
            // long polls on a pool of their own, ended as soon as the context starts to stop (LongPolls)
            client = LongPolls.separate(newSqsClient(aws), newSqsClient(aws));
        }
        return client;
    }

    /**
     * What the routes need to know to end a conversation on its last receive; prod refuses queues without a DLQ, every
     * profile a standard requests queue.
     */
    @BindToRegistry(value = "queueLimits", lazy = true)
    public QueueLimits queueLimits(SqsClient sqs, ProfileSettings profile) {
        return QueueLimits.read(sqs, profile.prodChecks(),
                new QueueLimits.WorkQueue("REQUESTS_QUEUE", "requests", requestsQueue, true),
                new QueueLimits.WorkQueue("DELIVERIES_QUEUE", "deliveries", deliveriesQueue, false));
    }

    /** The agent stage's step that lets one question of a session go on at a time on this instance. */
    @BindToRegistry(value = "sessionTurns", lazy = true)
    public SessionTurns sessionTurns(CamelContext context) {
        SessionTurns turns = new SessionTurns();
        turns.setCamelContext(context);
        return turns;
    }

    /** The consumers' pollStrategy and exceptionHandler: an outage is one WARN, a stop is quiet. */
    @BindToRegistry(value = "sqsPollErrors", lazy = true)
    public SqsPollErrors sqsPollErrors(CamelContext context, SqsClient sqs) {
        return new SqsPollErrors(context, sqs);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        SqsClient sqs = sqsClient(context.getRegistry().findSingleByType(AwsSettings.class));
        CloseOnStop.register(context, sqs);
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                // an idle consumer's long poll ends now instead of holding the stop for up to SQS_WAIT_TIME_SECONDS;
                // the stop counts a consumer still unwinding its ended poll as a pending exchange and then looks
                // again only a second later, so the polls are given a moment to end first
                LongPolls.endLongPolls(sqs);
                LongPolls.awaitPollsEnded(context, Duration.ofSeconds(1));
            }
        });
        // the consumers' polls tell of an outage at once; the check's own call is made at most every 30 s while SQS answers
        HealthCheckRegistry.get(context).register(new SqsReadinessCheck(sqs, requestsQueue,
                () -> context.getRegistry().lookupByNameAndType("sqsPollErrors", SqsPollErrors.class).isFailing(requestsQueue)));
    }
}
