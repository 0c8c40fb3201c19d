package gateway.local;

import java.net.URI;
import java.util.Properties;

import org.apache.camel.support.service.ServiceSupport;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Proxy on loopback over jclouds' in-memory ("transient") blob store: the S3 of the embedded default
 * (dev profile with no {@code S3_ENDPOINT}) and of the tests, as {@code EmbeddedSqsServer} is for SQS.
 * Objects live only as long as the process. It signs with the fixed local credentials
 * {@value #ACCESS_KEY}/{@value #SECRET_KEY}, which guard nothing (loopback only).
 */
public class EmbeddedS3Server extends ServiceSupport {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final int requestedPort;
    private BlobStoreContext blobStoreContext;
    private S3Proxy proxy;

    /** @param port the port to bind on 127.0.0.1, 0 for any free one */
    public EmbeddedS3Server(int port) {
        this.requestedPort = port;
    }

    @Override
    protected void doStart() throws Exception {
        // by ApiMetadata, not by the id "transient": a lookup by id instantiates every provider on the
        // class path, including S3Proxy's Azure one whose SDK is deliberately left out
        blobStoreContext = ContextBuilder.newBuilder(new TransientApiMetadata())
                .credentials(ACCESS_KEY, SECRET_KEY)
                .overrides(new Properties())
                .build(BlobStoreContext.class);
        BlobStore blobStore = blobStoreContext.getBlobStore();
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        LOG.info("Embedded S3 (S3Proxy, in memory) listening on {}", endpoint());
    }

    @Override
    protected void doStop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
        if (blobStoreContext != null) {
            blobStoreContext.close();
            blobStoreContext = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public int port() {
        return proxy.getPort();
    }
}
