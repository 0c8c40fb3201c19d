package gateway.config;

import java.net.URI;
import java.time.Duration;

import gateway.s3.S3Bucket;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 side of the gateway: one {@link S3Client}, bound as {@code s3Client}, pointed at AWS, at
 * {@code S3_ENDPOINT} (any S3-compatible store, path-style); and the {@link S3Bucket} ({@code s3Bucket}:
 * bucket, prefix, whether conditional writes work). The bucket comes from infrastructure. Used by the idempotency-key store.
 */
public class S3Configuration implements CamelConfiguration {

    public static final String CLIENT_BEAN = "s3Client";
    public static final String BUCKET_BEAN = "s3Bucket";

    private static final Logger LOG = LoggerFactory.getLogger(S3Configuration.class);

    @PropertyInject("gateway.s3.bucket")
    private String bucket;
    @PropertyInject(value = "gateway.s3.prefix", defaultValue = "")
    private String prefix;
    @PropertyInject("gateway.s3.conditional-writes")
    private boolean conditionalWrites;
    @PropertyInject("gateway.s3.call-timeout-ms")
    private long callTimeoutMs;

    /** The client of the idempotency keys, the tracking records and the conversation export. */
    @BindToRegistry(value = CLIENT_BEAN, lazy = true)
    public S3Client s3Client(CamelContext context, AwsSettings aws) throws Exception {
        URI override = AwsSettings.override(aws.s3Endpoint());
        AwsCredentialsProvider credentials = aws.credentials(aws.s3Endpoint());
        LOG.info("S3: bucket={} prefix='{}' endpoint={} conditionalWrites={}",
                bucket, prefix, override == null ? "(AWS)" : override, conditionalWrites);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(aws.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(callTimeoutMs)));
        if (override != null) {
            // S3-compatible stores: path-style addressing, and checksums only where S3 requires them
            builder.endpointOverride(override)
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        S3Client s3 = builder.build();
        CloseOnStop.register(context, s3);
        return s3;
    }

    /** The bucket, the prefix, and whether conditional writes work there. */
    @BindToRegistry(value = BUCKET_BEAN, lazy = true)
    public S3Bucket s3Bucket(S3Client s3) {
        return new S3Bucket(s3, bucket, prefix, conditionalWrites);
    }

    @Override
    public void configure(CamelContext context) {
        // the beans above are made when first needed
    }
}
