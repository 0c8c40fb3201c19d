package gateway.cancel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import gateway.flow.FlowProperties;
import gateway.events.SharedWatch;
import gateway.s3.S3Bucket;
import org.apache.camel.ExchangeProperty;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The cancellation markers: one small object per cancelled question, {@code <S3_PREFIX>watch/cancelled/<tracking_id>},
 * written by {@code DELETE /webhook/{tracking_id}} after the record, so that every replica learns of a cancellation
 * from the LIST of {@code watch/} it makes anyway while it has agent calls or streams in flight
 * ({@code gateway.events.SharedWatch}), instead of a GET of the record on every first receive. A marker is deleted when the agent stage has dropped its question's request. SDK errors are thrown as they
 * are (the callers decide what they mean).
 */
public class CancellationMarkers {

    static final String FOLDER = "watch/cancelled/";
    /** The markers' folder below {@code watch/}, as the shared listing names its entries. */
    static final String WATCHED = "cancelled/";
    /** Markers listed per poll at most (a page of S3's LIST is 1000): cancellations are rare and their markers short-lived. */
    static final int MAX_LISTED = 10_000;

    private final S3Bucket bucket;

    public CancellationMarkers(S3Bucket bucket) {
        this.bucket = bucket;
    }

    /** The marker of a cancelled question (its body: the tracking id and when, for an operator who looks). */
    public void put(@ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        String body = "{\"tracking_id\":\"" + trackingId + "\",\"cancelled_at\":\"" + Instant.now() + "\"}";
        bucket.client().putObject(r -> r.bucket(bucket.name()).key(key(trackingId)).contentType("application/json"),
                RequestBody.fromString(body));
    }

    public void delete(String trackingId) {
        bucket.client().deleteObject(r -> r.bucket(bucket.name()).key(key(trackingId)));
    }

    /** The markers now: tracking id to when the marker was written. */
    public Map<String, Instant> list() {
        String prefix = bucket.key(FOLDER);
        Map<String, Instant> markers = new LinkedHashMap<>();
        for (S3Object object : bucket.client().listObjectsV2Paginator(r -> r.bucket(bucket.name()).prefix(prefix)).contents()) {
            String id = object.key().substring(prefix.length());
            if (!id.isEmpty() && id.indexOf('/') < 0) {
                markers.put(id, object.lastModified() == null ? Instant.now() : object.lastModified());
            }
            if (markers.size() >= MAX_LISTED) {
                break;
            }
        }
        return markers;
    }

    /** The markers among what the shared watch listed (paths below {@code watch/}): tracking id to when written. */
    public static Map<String, Instant> in(Map<String, SharedWatch.Entry> listed) {
        Map<String, Instant> markers = new LinkedHashMap<>();
        listed.forEach((path, entry) -> {
            if (path.startsWith(WATCHED) && path.indexOf('/', WATCHED.length()) < 0 && path.length() > WATCHED.length()) {
                markers.put(path.substring(WATCHED.length()), entry.written());
            }
        });
        return markers;
    }

    String key(String trackingId) {
        return bucket.key(FOLDER + trackingId);
    }
}
