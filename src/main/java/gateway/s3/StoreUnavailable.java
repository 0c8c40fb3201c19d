package gateway.s3;

/**
 * A store shared by the replicas (S3: tracking records, idempotency keys, replay claims) cannot be read or written. An
 * HTTP request that needs it is answered 503, and the caller may retry.
 */
public class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
