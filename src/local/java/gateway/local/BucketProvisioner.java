package gateway.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Creates the gateway's bucket where this profile owns it (dev and tests); in prod it comes from infrastructure. */
public class BucketProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(BucketProvisioner.class);

    private final S3Client s3;

    public BucketProvisioner(S3Client s3) {
        this.s3 = s3;
    }

    public void ensureBucket(String bucket) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            // create it below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        s3.createBucket(r -> r.bucket(bucket));
        LOG.info("Created S3 bucket {}", bucket);
    }
}
