package gateway.testing;

import gateway.local.BucketProvisioner;
import gateway.local.EmbeddedS3Server;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The embedded S3 (S3Proxy, in memory) on a free loopback port, a bucket in it, and a client for it
 * ({@link LocalAws#s3}). Start it in {@code @BeforeAll} and {@link #close()} it in {@code @AfterAll}.
 */
public record EmbeddedS3(EmbeddedS3Server server, S3Client client) implements AutoCloseable {

    /** Starts the server and creates {@code bucket}; the client gets {@code interceptors} (e.g. an {@link S3CallLog}). */
    public static EmbeddedS3 start(String bucket, ExecutionInterceptor... interceptors) {
        EmbeddedS3Server server = new EmbeddedS3Server(0);
        server.start();
        S3Client client = LocalAws.s3(server.endpoint(), interceptors);
        new BucketProvisioner(client).ensureBucket(bucket);
        return new EmbeddedS3(server, client);
    }

    @Override
    public void close() {
        client.close();
        server.stop();
    }
}
