package gateway.idempotency;

import gateway.s3.StoreUnavailable;

/** The idempotency-key store cannot be read or written: the request is answered 503 and the caller may retry. */
public class IdempotencyStoreUnavailable extends StoreUnavailable {

    public IdempotencyStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
