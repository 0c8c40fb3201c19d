package gateway.tracking;

import gateway.s3.StoreUnavailable;

/** The record store could not be read or written (S3 down, refused, or too many concurrent writers). */
public class RecordStoreUnavailable extends StoreUnavailable {

    public RecordStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
