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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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

    @PropertyInject("gateway.aws.region")
    private String region;
    @PropertyInject(value = "gateway.sqs.endpoint", defaultValue = "")
    private String endpoint;
    @PropertyInject(value = "gateway.aws.local-credentials", defaultValue = "false")
    private boolean localCredentials;
    @PropertyInject("gateway.sqs.call-timeout-ms")
    private long callTimeoutMs;
    @PropertyInject("gateway.sqs.max-connections")
    private int maxConnections;
    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;
    @PropertyInject(value = "gateway.startup.prod-checks", defaultValue = "false")
    private boolean dlqRequired;


    private SqsClient sqsClient(URI override, AwsCredentialsProvider credentials) {
        SqsClientBuilder builder = SqsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(callTimeoutMs))
                        // a long poll (ReceiveMessage with WaitTimeSeconds) gets its wait on top of that
                        .addExecutionInterceptor(new LongPollCallTimeout(Duration.ofMillis(callTimeoutMs))));
        if (override != null) {
            builder.endpointOverride(override);
        }
        return builder.build();
    }

    // memoised: the context's stop notifier and health check below use the same client as the registry
    private SqsClient client;

    /** The client every {@code aws2-sqs} endpoint autowires and the gateway's SQS steps use. */
    @BindToRegistry(value = "sqsClient", lazy = true)
    public synchronized SqsClient sqsClient() {
        if (client == null) {
            LOG.info("SQS: endpoint={}", endpoint.isBlank() ? "(AWS)" : endpoint);
            // long polls on a pool of their own, ended as soon as the context starts to stop (LongPolls)
            client = LongPolls.separate(sqsClient(override(), credentials()), sqsClient(override(), credentials()));
        }
        return client;
    }

    /**
     * What the routes need to know to end a conversation on its last receive; prod refuses queues without a DLQ, every
     * profile a standard requests queue.
     */
    @BindToRegistry(value = "queueLimits", lazy = true)
    public QueueLimits queueLimits(SqsClient sqs) {
        return QueueLimits.read(sqs, dlqRequired,
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
        SqsClient sqs = sqsClient();
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
        HealthCheckRegistry.get(context).register(new SqsReadinessCheck(sqs, requestsQueue));
    }

    private URI override() {
        return endpoint.isBlank() ? null : URI.create(endpoint.trim());
    }

    /** The AWS chain, or local/local for stand-ins; with an endpoint override, the chain falls back to local/local. */
    private AwsCredentialsProvider credentials() {
        if (localCredentials) {
            return localCredentials();
        }
        AwsCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        return endpoint.isBlank() ? chain : AwsCredentialsProviderChain.of(chain, localCredentials());
    }

    private static AwsCredentialsProvider localCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}
