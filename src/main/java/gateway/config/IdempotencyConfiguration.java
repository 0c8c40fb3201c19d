package gateway.config;

import java.time.Clock;
import java.time.Duration;

import gateway.idempotency.IdempotencyKeys;
import gateway.idempotency.S3IdempotencyStore;
import gateway.s3.S3Bucket;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * {@code idempotencyKeys}: the Idempotency-Key steps of the intake, over the S3 store. Bound in
 * {@link #configure} because it needs the {@code s3Bucket} that {@link S3Configuration} binds there
 * (list this class after it).
 */
public class IdempotencyConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.idempotency.ttl-hours")
    private long ttlHours;
    @PropertyInject("gateway.idempotency.pending-timeout-seconds")
    private long pendingTimeoutSeconds;

    @Override
    public void configure(CamelContext context) {
        S3Bucket bucket = context.getRegistry().lookupByNameAndType(S3Configuration.BUCKET_BEAN, S3Bucket.class);
        if (bucket == null) {
            throw new IllegalStateException("IdempotencyConfiguration needs the s3Bucket of S3Configuration: list it after S3Configuration");
        }
        context.getRegistry().bind("idempotencyKeys", IdempotencyKeys.class, new IdempotencyKeys(new S3IdempotencyStore(bucket),
                Duration.ofHours(ttlHours), Duration.ofSeconds(pendingTimeoutSeconds), Clock.systemUTC()));
    }
}
