package gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import org.apache.camel.RuntimeCamelException;
import org.apache.http.HttpHost;
import org.apache.http.conn.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class StartFailureTest {

    private static final Function<String, Optional<String>> PORTS = key -> Optional.ofNullable(Map.of(
            "camel.server.port", "8080", "camel.management.port", "9876", "gateway.local.sqs-port", "9324",
            "gateway.local.s3-port", "9325", "gateway.local.agent-port", "9878",
            "gateway.local.receiver-port", "9877").get(key));

    @Test
    void aPortInUseIsNamedByTheSettingThatChoseIt() {
        Throwable failure = new RuntimeCamelException(new IllegalStateException("agent emulator could not listen on 127.0.0.1:9878",
                new BindException("Address already in use")));
        assertThat(StartFailure.describe(failure, PORTS)).isEqualTo("Start failed: port 9878 (AGENT_EMULATOR_PORT) is already "
                + "in use: stop what listens there or set AGENT_EMULATOR_PORT to a free port");
        assertThat(StartFailure.describe(new BindException("127.0.0.1:9324: Address already in use"), PORTS))
                .contains("port 9324 (EMBEDDED_SQS_PORT)");
    }

    @Test
    void aPortInUseThatNoSettingChoseListsThePortSettings() {
        assertThat(StartFailure.describe(new BindException("Address already in use"), key -> Optional.empty()))
                .startsWith("Start failed: an address is already in use").contains("HTTP_PORT").contains("LOCAL_RECEIVER_PORT");
    }

    @Test
    void anythingElseIsItsInnermostMessageOnOneLine() {
        Throwable failure = new RuntimeCamelException("Error during post processing of bean", new RuntimeCamelException(
                new InvocationTargetException(new IllegalArgumentException("GATEWAY_API_KEYS entry #1 (a): the key must be"
                        + " at least 16 characters\n  with no spaces"))));
        assertThat(StartFailure.describe(failure, PORTS))
                .isEqualTo("Start failed: GATEWAY_API_KEYS entry #1 (a): the key must be at least 16 characters with no spaces");
        assertThat(StartFailure.describe(new IllegalStateException(), PORTS)).isEqualTo("Start failed: IllegalStateException");
    }

    @Test
    void aDependencyThatRefusesTheConnectionIsNamedByItsEndpointSetting() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closed;
        // the failure as the start meets it: the real SDK client's GetQueueUrl against a port nothing listens on
        Throwable refused;
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            sqs.getQueueUrl(r -> r.queueName("webhook-requests.fifo"));
            throw new AssertionError("a connection to a closed port was made");
        } catch (SdkClientException e) {
            refused = e;
        }
        Throwable failure = new RuntimeCamelException(new InvocationTargetException(refused));
        assertThat(StartFailure.describe(failure, settings("gateway.sqs.endpoint", endpoint)))
                .as("%s", chain(refused)).isEqualTo("Start failed: SQS_ENDPOINT " + endpoint + ": connection refused");
    }

    @Test
    void theNameOfTheHostIsWhatTheSettingHolds() {
        // Netty's wording (the async S3 and Bedrock clients): "name/address:port"
        Throwable failure = new CompletionException(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused: localhost/127.0.0.1:9325")));
        assertThat(StartFailure.describe(failure, settings("gateway.s3.endpoint", "http://localhost:9325",
                "gateway.sqs.endpoint", "http://localhost:9324")))
                .isEqualTo("Start failed: S3_ENDPOINT http://localhost:9325: connection refused");
    }

    @Test
    void aConnectTimeoutIsNamedToo() throws Exception {
        ConnectTimeoutException timeout = new ConnectTimeoutException(new SocketTimeoutException("connect timed out"),
                new HttpHost("sqs.internal", 9324), InetAddress.getByAddress("sqs.internal", new byte[] {10, 1, 2, 3}));
        assertThat(StartFailure.describe(SdkClientException.create("Unable to execute HTTP request: " + timeout.getMessage(),
                timeout), settings("gateway.sqs.endpoint", "http://sqs.internal:9324")))
                .isEqualTo("Start failed: SQS_ENDPOINT http://sqs.internal:9324: connect timed out");
    }

    @Test
    void withoutAnEndpointSettingAwssOwnHostIsNamedWithTheRegion() {
        Throwable failure = new RuntimeCamelException(SdkClientException.create("Received an UnknownHostException",
                SdkClientException.create("Unable to execute HTTP request: sqs.eu-west-1.amazonaws.com",
                        new UnknownHostException("sqs.eu-west-1.amazonaws.com"))));
        assertThat(StartFailure.describe(failure, settings("gateway.aws.region", "eu-west-1")))
                .isEqualTo("Start failed: SQS_ENDPOINT not set, so AWS in AWS_REGION eu-west-1 (sqs.eu-west-1.amazonaws.com): "
                        + "unknown host");
    }

    @Test
    void anUnreachableHostNoSettingNamesIsStillNamed() {
        Throwable failure = SdkClientException.create("Unable to execute HTTP request: Connect to 10.9.9.9:443 [/10.9.9.9] "
                + "failed: Connection refused", new ConnectException("Connection refused"));
        assertThat(StartFailure.describe(failure, settings("gateway.sqs.endpoint", "http://127.0.0.1:9324")))
                .isEqualTo("Start failed: 10.9.9.9:443: connection refused (none of SQS_ENDPOINT, S3_ENDPOINT, BEDROCK_ENDPOINT,"
                        + " WEBHOOK_URL points there)");
        assertThat(StartFailure.describe(new ConnectException("Connection refused"), key -> Optional.empty()))
                .isEqualTo("Start failed: a dependency is unreachable (connection refused): check SQS_ENDPOINT, S3_ENDPOINT,"
                        + " BEDROCK_ENDPOINT, WEBHOOK_URL");
    }

    private static String chain(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append("\n").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return messages.toString();
    }

    private static Function<String, Optional<String>> settings(String... propertiesAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < propertiesAndValues.length; i += 2) {
            values.put(propertiesAndValues[i], propertiesAndValues[i + 1]);
        }
        return key -> Optional.ofNullable(values.get(key));
    }
}
