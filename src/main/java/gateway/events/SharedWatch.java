package gateway.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import gateway.s3.S3Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The one look-up every replica makes to notice what the others wrote: a LIST of {@code <S3_PREFIX>watch/}, which holds
 * only what is in play now (the cancellation markers, {@code watch/cancelled/<tracking_id>}, and the event logs of the
 * questions still open, {@code watch/events/<tracking_id>.json}). SDK errors are thrown as they are.
 */
public class SharedWatch {

    static final String FOLDER = "watch/";
    /** Entries listed per look-up at most (each page of S3's LIST is 1000). */
    static final int MAX_LISTED = 20_000;

    /** One listed object: its path below {@code watch/}, when it was written, and its version (ETag). */
    public record Entry(String path, Instant written, String version) {
    }

    private final S3Bucket bucket;

    public SharedWatch(S3Bucket bucket) {
        this.bucket = bucket;
    }

    /** Everything under {@code watch/} now, by path below it. */
    public Map<String, Entry> list() {
        String prefix = bucket.key(FOLDER);
        Map<String, Entry> listed = new LinkedHashMap<>();
        for (S3Object object : bucket.client().listObjectsV2Paginator(r -> r.bucket(bucket.name()).prefix(prefix)).contents()) {
            String path = object.key().substring(prefix.length());
            listed.put(path, new Entry(path, object.lastModified() == null ? Instant.now() : object.lastModified(),
                    object.eTag() + "@" + object.lastModified() + "#" + object.size()));
            if (listed.size() >= MAX_LISTED) {
                break;
            }
        }
        return listed;
    }
}
