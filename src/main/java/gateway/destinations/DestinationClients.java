package gateway.destinations;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.spi.BeanRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients of the AWS destinations, one per service and region, made when a delivery first needs one and kept
 * until the gateway stops: the gateway's own identity ({@code credentials}), the region of the destination's URL or
 * ARN, each service's endpoint override when set ({@code SQS_ENDPOINT}, {@code SNS_ENDPOINT},
 * {@code EVENTBRIDGE_ENDPOINT}), the call timeout, and no SDK retries (the delivery route owns the retry rule). One
 * HTTP connection pool serves them all.
 *
 * <p>The {@code aws2-sqs} and {@code aws2-eventbridge} endpoints of {@code routes.AwsDestinationRoutes} name their
 * client: {@code amazonSQSClient=#awsDestinationSqs-eu-west-1}, {@code eventbridgeClient=#awsDestinationEvents-eu-west-1}.
 * This class answers those names as a bean repository of the registry, by name only: it never offers its clients by
 * type, so the gateway's own {@code sqsClient}, which every other {@code aws2-sqs} endpoint and bean takes by type,
 * stays the one {@code SqsClient} of the registry.
 */
public final class DestinationClients implements BeanRepository, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationClients.class);

    public static final String SQS_PREFIX = "awsDestinationSqs-";
    public static final String EVENTS_PREFIX = "awsDestinationEvents-";
    private static final Pattern NAME = Pattern.compile("(" + SQS_PREFIX + "|" + EVENTS_PREFIX + ")([a-z0-9-]+)");

    /** Where each service is and who the gateway is to it. */
    public record Settings(Function<String, AwsCredentialsProvider> credentials, String sqsEndpoint, String snsEndpoint, String eventBridgeEndpoint,
            Duration callTimeout, int maxConnections) {
    }

    private final Settings settings;
    private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
    private volatile SdkHttpClient http;
    private volatile boolean closed;

    public DestinationClients(Settings settings) {
        this.settings = settings;
    }

    /** The name of the SQS client of {@code region} in the registry. */
    public static String sqsName(String region) {
        return SQS_PREFIX + region;
    }

    /** The name of the EventBridge client of {@code region} in the registry. */
    public static String eventBridgeName(String region) {
        return EVENTS_PREFIX + region;
    }

    public SqsClient sqs(String region) {
        return client("sqs", region, SqsClient.class, r -> configure(SqsClient.builder(), r, settings.sqsEndpoint())
                // a FIFO queue's MessageDeduplicationId: the message's webhook-id (SqsFifoDeduplication)
                .overrideConfiguration(c -> c.apiCallTimeout(settings.callTimeout()).retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new SqsFifoDeduplication()))
                .build());
    }

    public SnsClient sns(String region) {
        return client("sns", region, SnsClient.class, r -> configure(SnsClient.builder(), r, settings.snsEndpoint())
                .overrideConfiguration(c -> c.apiCallTimeout(settings.callTimeout()).retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build());
    }

    public EventBridgeClient eventBridge(String region) {
        return client("events", region, EventBridgeClient.class, r -> configure(EventBridgeClient.builder(), r, settings.eventBridgeEndpoint())
                .overrideConfiguration(c -> c.apiCallTimeout(settings.callTimeout()).retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String region, String endpoint) {
        builder.region(Region.of(region)).credentialsProvider(settings.credentials().apply(endpoint)).httpClient(http());
        String override = endpoint == null ? "" : endpoint.strip();
        if (!override.isEmpty()) {
            builder.endpointOverride(URI.create(override));
        }
        return builder;
    }

    private <C extends SdkClient> C client(String service, String region, Class<C> type, Function<String, C> build) {
        if (closed) {
            throw new IllegalStateException("the AWS destination clients are closed");
        }
        SdkClient client = clients.computeIfAbsent(service + "@" + region, key -> {
            LOG.info("AWS destinations: {} client for region {} ({})", service, region,
                    endpointOf(service).isBlank() ? "AWS" : "endpoint override");
            return build.apply(region);
        });
        return type.cast(client);
    }

    private String endpointOf(String service) {
        String endpoint = switch (service) {
            case "sqs" -> settings.sqsEndpoint();
            case "sns" -> settings.snsEndpoint();
            default -> settings.eventBridgeEndpoint();
        };
        return endpoint == null ? "" : endpoint;
    }

    private SdkHttpClient http() {
        SdkHttpClient current = http;
        if (current == null) {
            synchronized (this) {
                if (http == null) {
                    // shared by the clients of every service and region; each client leaves it open (the SDK closes
                    // only the HTTP clients it built itself), it is closed last in close()
                    http = ApacheHttpClient.builder().maxConnections(settings.maxConnections())
                            .socketTimeout(settings.callTimeout()).build();
                }
                current = http;
            }
        }
        return current;
    }

    // --- the registry's view: by name only ---

    @Override
    public Object lookupByName(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        return SQS_PREFIX.equals(m.group(1)) ? sqs(m.group(2)) : eventBridge(m.group(2));
    }

    @Override
    public <T> T lookupByNameAndType(String name, Class<T> type) {
        Object bean = lookupByName(name);
        return type.isInstance(bean) ? type.cast(bean) : null;
    }

    @Override
    public <T> Map<String, T> findByTypeWithName(Class<T> type) {
        return Map.of();
    }

    @Override
    public <T> Set<T> findByType(Class<T> type) {
        return Set.of();
    }

    /** The regions a client was made for so far, per service ({@code sqs@eu-west-1}); for the tests and the log. */
    public Set<String> made() {
        return Set.copyOf(clients.keySet());
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<SdkClient> all = new ArrayList<>(clients.values());
        clients.clear();
        all.forEach(SdkClient::close);
        if (http != null) {
            http.close();
            http = null;
        }
    }
}
