package gateway.agent;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the async client of one endpoint: Netty HTTP client sized for many calls in flight,
 * {@code apiCallTimeout} = the endpoint timeout, SDK retries off (the route owns the retry rule),
 * wrapped in a {@link TruncatedStreamGuard}.
 */
final class AgentClientFactory {

    /** Dummy key pair for the emulator; never valid on AWS. */
    static final AwsBasicCredentials EMULATOR_CREDENTIALS = AwsBasicCredentials.create("emulator-access-key", "emulator-secret-key");

    private AgentClientFactory() {
    }

    /** The client plus the HTTP client, event loops and credentials provider this factory created (closed together). */
    record OwnedClient(BedrockAgentRuntimeAsyncClient client, SdkAsyncHttpClient http, SdkEventLoopGroup eventLoops,
                       SdkAutoCloseable ownedCredentials) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            http.close(); // a client given with httpClient(...) is not closed by the SDK
            // the endpoint stops after the routes, with no call left: no quiet period (the SDK's own group waits 2 s
            // for one, which was most of an idle stop)
            eventLoops.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            if (ownedCredentials != null) {
                ownedCredentials.close();
            }
        }
    }

    static OwnedClient create(BedrockAgentEndpoint endpoint) {
        Duration timeout = Duration.ofMillis(endpoint.getTimeoutMillis());
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build(); // ours to close: see OwnedClient
        SdkAsyncHttpClient netty = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(eventLoops)
                .protocol(Protocol.HTTP1_1)
                .maxConcurrency(endpoint.getMaxConcurrency())
                .maxPendingConnectionAcquires(Math.max(10_000, endpoint.getMaxConcurrency() * 4))
                .connectionTimeout(Duration.ofSeconds(10))
                // an agent may think for minutes before the next event: only the call timeout bounds it
                .readTimeout(timeout)
                .writeTimeout(Duration.ofSeconds(30))
                .connectionAcquisitionTimeout(timeout)
                .build();
        SdkAsyncHttpClient http = new TruncatedStreamGuard(netty);

        SdkAutoCloseable owned = null;
        AwsCredentialsProvider credentials = endpoint.getCredentialsProvider();
        if (credentials == null && endpoint.isAnonymousCredentials()) {
            credentials = StaticCredentialsProvider.create(EMULATOR_CREDENTIALS);
        } else if (credentials == null) {
            DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
            credentials = chain;
            owned = chain;
        }

        BedrockAgentRuntimeAsyncClientBuilder builder = BedrockAgentRuntimeAsyncClient.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o
                        .apiCallTimeout(timeout)
                        .retryStrategy(AwsRetryStrategy.doNotRetry()));
        String endpointOverride = endpoint.getEndpointOverride();
        if (endpointOverride != null && !endpointOverride.isBlank()) {
            builder.endpointOverride(URI.create(endpointOverride));
        }
        String region = endpoint.getRegion();
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region));
        } else if (endpointOverride != null && !endpointOverride.isBlank()) {
            builder.region(Region.US_EAST_1);
        }
        return new OwnedClient(builder.build(), http, eventLoops, owned);
    }
}
