package gateway.testing;

import java.net.URI;
import java.util.List;

import gateway.local.EmbeddedS3Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients for the S3 and SQS servers a test runs on loopback (the embedded S3Proxy and ElasticMQ, or a
 * stand-in): region us-east-1 and the static local credentials, which S3Proxy checks and ElasticMQ ignores.
 */
public final class LocalAws {

    /** The embedded S3's access key and secret ({@code local}/{@code local}, as the app's own local clients use). */
    public static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY));

    private LocalAws() {
    }

    /**
     * An S3 client builder for {@code endpoint}, configured as S3Configuration configures one for an
     * S3_ENDPOINT: path-style addressing, checksums only where S3 requires them.
     */
    public static S3ClientBuilder s3Builder(URI endpoint) {
        return S3Client.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }

    /** An S3 client for {@code endpoint} with {@code interceptors} (e.g. an {@link S3CallLog}) added. */
    public static S3Client s3(URI endpoint, ExecutionInterceptor... interceptors) {
        return s3Builder(endpoint).overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors))).build();
    }

    /** An SQS client for {@code endpoint} with {@code interceptors} added. */
    public static SqsClient sqs(URI endpoint, ExecutionInterceptor... interceptors) {
        return SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(endpoint)
                .overrideConfiguration(c -> c.executionInterceptors(List.of(interceptors))).build();
    }
}
