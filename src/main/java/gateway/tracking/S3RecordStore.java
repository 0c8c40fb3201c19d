package gateway.tracking;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.intake.TrackingIds;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Tracking records as JSON objects {@code <S3_PREFIX>records/<tracking_id>.json} in {@code S3_BUCKET},
 * shared by every replica, plus plain object writes for the conversation export.
 *
 * <p>{@link #update} is a read-modify-write. With conditional writes (AWS S3) the PUT carries
 * {@code If-Match: <etag read>} (or {@code If-None-Match: *} for a new record): a writer that lost a race
 * to another replica gets 412/409, reads again and reapplies its change, so no stage's write is lost.
 * Without them (the embedded S3Proxy ignores both headers) it is a GET then a plain PUT under a lock per
 * record in this process: safe within one process, LAST WRITER WINS across processes (a concurrent
 * write from another replica can be overwritten). That mode is for the single-process dev stack.
 */
public class S3RecordStore {

    static final String FOLDER = "records/";
    static final int MAX_CONFLICTS = 8;
    private static final int STRIPES = 64;

    /** A record as read, with the ETag a conditional write must match. */
    public record Stored(ObjectNode record, String etag) {
    }

    private final S3Client s3;
    private final S3Bucket bucket;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public S3RecordStore(S3Bucket bucket) {
        this.s3 = bucket.client();
        this.bucket = bucket;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The object key of a record: derived from the full tracking id, which must be a UUID. */
    public String objectKey(String trackingId) {
        String id = TrackingIds.parse(trackingId)
                .orElseThrow(() -> new IllegalArgumentException("tracking id is not a UUID"));
        return bucket.key(FOLDER + id + ".json");
    }

    public Optional<Stored> read(String trackingId) {
        String key = objectKey(trackingId);
        try {
            var object = s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(key));
            JsonNode json = Json.MAPPER.readTree(object.asUtf8String());
            if (!json.isObject()) {
                throw new RecordStoreUnavailable("record store: record is not a JSON object", null);
            }
            return Optional.of(new Stored((ObjectNode) json, object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // 403 too: the gateway's IAM role (k8s/aws) may Get and Put objects but not list the bucket, and
            // without s3:ListBucket S3 answers a missing key with 403 instead of 404. A real permission problem
            // still shows on the write (PutObject denied), which is counted and logged.
            if (e.statusCode() == 404 || e.statusCode() == 403) {
                return Optional.empty();
            }
            throw unavailable("read", e);
        } catch (SdkException e) {
            throw unavailable("read", e);
        } catch (JacksonException e) {
            throw new RecordStoreUnavailable("record store: record is not valid JSON", null);
        }
    }

    /** Reads the record (null when there is none), applies {@code change}, writes the result; returns it. */
    public ObjectNode update(String trackingId, UnaryOperator<ObjectNode> change) {
        String key = objectKey(trackingId);
        if (!bucket.conditionalWrites()) {
            ReentrantLock lock = locks[Math.floorMod(key.hashCode(), STRIPES)];
            lock.lock();
            try {
                ObjectNode next = change.apply(read(trackingId).map(Stored::record).orElse(null));
                put(key, next, null, false); // LAST WRITER WINS across processes: see the class comment
                return next;
            } finally {
                lock.unlock();
            }
        }
        for (int i = 0; i < MAX_CONFLICTS; i++) {
            Optional<Stored> current = read(trackingId);
            ObjectNode next = change.apply(current.map(Stored::record).orElse(null));
            if (put(key, next, current.map(Stored::etag).orElse(null), true)) {
                return next;
            }
            // another replica wrote in between: read its version and apply the change again
        }
        throw new RecordStoreUnavailable("record store: too many concurrent writers", null);
    }

    /** Writes any JSON object at {@code path} under the gateway's prefix (the conversation export). */
    public void putObject(String path, String json) {
        try {
            s3.putObject(r -> r.bucket(bucket.name()).key(bucket.key(path)).contentType("application/json"),
                    RequestBody.fromString(json));
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    /** False when a conditional write lost a race (412, or 409 for a concurrent write in flight). */
    private boolean put(String key, ObjectNode record, String ifMatch, boolean conditional) {
        try {
            s3.putObject(r -> {
                r.bucket(bucket.name()).key(key).contentType("application/json");
                if (conditional) {
                    if (ifMatch == null) {
                        r.ifNoneMatch("*");
                    } else {
                        r.ifMatch(ifMatch);
                    }
                }
            }, RequestBody.fromString(Json.write(record)));
            return true;
        } catch (S3Exception e) {
            if (conditional && (e.statusCode() == 412 || e.statusCode() == 409 || (ifMatch != null && e.statusCode() == 404))) {
                return false;
            }
            throw unavailable("write", e);
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    private static RecordStoreUnavailable unavailable(String what, SdkException e) {
        String status = e instanceof S3Exception s3e ? " HTTP " + s3e.statusCode() : "";
        return new RecordStoreUnavailable("record store: cannot " + what + " (" + e.getClass().getSimpleName() + status + ")", e);
    }
}
