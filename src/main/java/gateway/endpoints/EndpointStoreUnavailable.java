package gateway.endpoints;

import gateway.s3.StoreUnavailable;

/** An endpoint's health or its parked deliveries could not be read or written (S3 down or refused). */
public class EndpointStoreUnavailable extends StoreUnavailable {

    public EndpointStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
