package gateway.idempotency;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import gateway.s3.S3Bucket;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Idempotency keys as small JSON objects under {@code <S3_PREFIX>idempotency/} in {@code S3_BUCKET}.
 *
 * <p>With conditional writes (AWS S3, and S3-compatible stores that have them) {@link #create} is a
 * PutObject with {@code If-None-Match: *} and {@link #replace} one with {@code If-Match: <etag>}: S3
 * decides, so exactly one replica wins a key. S3 answers a lost race with 412 (Precondition Failed) or
 * 409 (ConditionalRequestConflict, a concurrent write in flight); both mean "not yours".
 *
 * <p>Without them (the embedded S3Proxy, which ignores those headers on PUT) each is a HEAD then a plain
 * PUT. RACE: two writers can both see "absent" (or the same ETag) between the HEAD and the PUT and both
 * "win", the later PUT overwriting the earlier. A lock per key in this process closes that race for one
 * process (the embedded store is only ever used by the one process that runs it); across processes it
 * stays open, so this mode is not for several replicas sharing a store without conditional writes.
 */
public class S3IdempotencyStore implements IdempotencyStore {

    static final String FOLDER = "idempotency/";
    private static final int STRIPES = 64;

    private final S3Client s3;
    private final S3Bucket bucket;
    private final String folder;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /** The idempotency keys of {@code POST /webhook}, under {@code <S3_PREFIX>idempotency/}. */
    public S3IdempotencyStore(S3Bucket bucket) {
        this(bucket, FOLDER);
    }

    /** Claims of another kind (e.g. the webhook-ids of signed requests) under {@code <S3_PREFIX><folder>}. */
    public S3IdempotencyStore(S3Bucket bucket, String folder) {
        this.s3 = bucket.client();
        this.bucket = bucket;
        this.folder = folder;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The object key for a (hashed) idempotency key. */
    public String objectKey(String key) {
        return bucket.key(folder + key + ".json");
    }

    @Override
    public boolean create(String key, IdempotencyRecord record) {
        if (bucket.conditionalWrites()) {
            return conditionalPut(key, record, null);
        }
        return underLock(key, () -> {
            if (head(key) != null) {
                return false;
            }
            put(key, record); // RACE across processes: see the class comment
            return true;
        });
    }

    @Override
    public boolean replace(String key, String version, IdempotencyRecord record) {
        if (bucket.conditionalWrites()) {
            return conditionalPut(key, record, version);
        }
        return underLock(key, () -> {
            HeadObjectResponse head = head(key);
            if (head == null || !version.equals(head.eTag())) {
                return false;
            }
            put(key, record); // RACE across processes: see the class comment
            return true;
        });
    }

    @Override
    public void put(String key, IdempotencyRecord record) {
        try {
            s3.putObject(r -> r.bucket(bucket.name()).key(objectKey(key)).contentType("application/json"),
                    RequestBody.fromString(record.toJson()));
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public Optional<Stored> read(String key) {
        try {
            var object = s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(objectKey(key)));
            return Optional.of(new Stored(IdempotencyRecord.fromJson(object.asUtf8String()), object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable("read", e);
        } catch (SdkException e) {
            throw unavailable("read", e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket.name()).key(objectKey(key)));
        } catch (SdkException e) {
            throw unavailable("delete", e);
        }
    }

    private boolean conditionalPut(String key, IdempotencyRecord record, String ifMatch) {
        try {
            s3.putObject(r -> {
                r.bucket(bucket.name()).key(objectKey(key)).contentType("application/json");
                if (ifMatch == null) {
                    r.ifNoneMatch("*");
                } else {
                    r.ifMatch(ifMatch);
                }
            }, RequestBody.fromString(record.toJson()));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409 || (ifMatch != null && e.statusCode() == 404)) {
                return false;
            }
            throw unavailable("write", e);
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    private HeadObjectResponse head(String key) {
        try {
            return s3.headObject(r -> r.bucket(bucket.name()).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw unavailable("read", e);
        } catch (SdkException e) {
            throw unavailable("read", e);
        }
    }

    private boolean underLock(String key, java.util.function.BooleanSupplier action) {
        ReentrantLock lock = locks[Math.floorMod(key.hashCode(), STRIPES)];
        lock.lock();
        try {
            return action.getAsBoolean();
        } finally {
            lock.unlock();
        }
    }

    private static IdempotencyStoreUnavailable unavailable(String what, SdkException e) {
        return new IdempotencyStoreUnavailable("Idempotency store: cannot " + what + " (" + e.getClass().getSimpleName() + ")", e);
    }
}
