package gateway.tracking;

/** The record store could not be read or written (S3 down, refused, or too many concurrent writers). */
public class RecordStoreUnavailable extends RuntimeException {

    public RecordStoreUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
