package gateway.config;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where AWS is, and who the gateway is to it: the region, the endpoint overrides ({@code SQS_ENDPOINT},
 * {@code S3_ENDPOINT}, {@code BEDROCK_ENDPOINT}; empty: AWS), the one rule for credentials, and the largest SQS message
 * ({@code SQS_MAX_MESSAGE_BYTES}: a request or a result that does not fit is refused, 413, or cut).
 */
public record AwsSettings(String region, String sqsEndpoint, String s3Endpoint, String agentEndpoint, boolean localCredentials,
        long sqsMaxMessageBytes) {

    /** The endpoint override, or null for AWS itself. */
    public static URI override(String endpoint) {
        return endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.strip());
    }

    /**
     * The credentials of a client of {@code endpoint}: the fixed {@code local}/{@code local} of the stand-ins when
     * {@code local} (the local profile, the agent emulator); else the AWS chain (IRSA, environment, profile), which,
     * against an endpoint override (LocalStack, MinIO), falls back to {@code local}/{@code local}.
     */
    public static AwsCredentialsProvider credentials(boolean local, String endpoint) {
        if (local) {
            return standInCredentials();
        }
        AwsCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        return override(endpoint) == null ? chain : AwsCredentialsProviderChain.of(chain, standInCredentials());
    }

    /** The credentials of a client of {@code endpoint}, by this profile's rule ({@code gateway.aws.local-credentials}). */
    public AwsCredentialsProvider credentials(String endpoint) {
        return credentials(localCredentials, endpoint);
    }

    private static AwsCredentialsProvider standInCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}
