package gateway.tracking;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.AgentSessions;
import gateway.intake.TrackingIds;
import gateway.json.Json;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Tracking records as JSON objects {@code <S3_PREFIX>records/<tracking_id>.json} in {@code S3_BUCKET},
 * shared by every replica, the records of agent sessions ({@code <S3_PREFIX>sessions/<agent session id>.json},
 * written the same way) and the conversation export's objects. Each failed call counts in
 * {@code gateway_record_store_errors_total} (operation {@code read}, {@code write} or {@code export}) and throws
 * {@link RecordStoreUnavailable}; the routes retry and give up.
 *
 * <p>{@link #update} is a read-modify-write. With conditional writes (AWS S3) the PUT carries
 * {@code If-Match: <etag read>} (or {@code If-None-Match: *} for a new record): a writer that lost a race
 * to another replica gets 412/409, reads again and reapplies its change, so no stage's write is lost.
 * Without them (the embedded S3Proxy ignores both headers) it is a GET then a plain PUT under a lock per
 * record in this process: safe within one process, LAST WRITER WINS across processes (a concurrent
 * write from another replica can be overwritten). That mode is for the single-process dev stack.
 *
 * <p>Each S3 call costs CPU (in dev the S3 runs in this JVM), so the "read" of a write starts from the
 * version this process last read or wrote ({@link RecordVersions}) when it has one, and a new record
 * ({@link #create}) is not read at all. With conditional writes a stale version costs nothing but a retry:
 * its ETag no longer matches, the PUT gets 412 and the loop reads the record afresh. Without them this
 * process is the only writer, every write passes through the cache under the record's lock, and so the
 * cached version is the current one. {@link #read} always asks S3 (the status endpoint and the
 * never-pay-twice check must see other replicas' writes) and refreshes the cache.
 */
public class S3RecordStore {

    static final String FOLDER = "records/";
    static final String SESSIONS = "sessions/";
    static final int MAX_CONFLICTS = 8;
    private static final int STRIPES = 64;

    /** A record as read, with the ETag a conditional write must match. */
    public record Stored(ObjectNode record, String etag) {
    }

    private final S3Client s3;
    private final S3Bucket bucket;
    private final RecordVersions versions;
    private final FlowMetrics metrics;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /** A store that reads every record before writing it (no cache), its errors not counted. */
    public S3RecordStore(S3Bucket bucket) {
        this(bucket, new RecordVersions(0, 0));
    }

    public S3RecordStore(S3Bucket bucket, RecordVersions versions) {
        this(bucket, versions, null);
    }

    /** @param metrics counts each failed call; null: not counted */
    public S3RecordStore(S3Bucket bucket, RecordVersions versions, FlowMetrics metrics) {
        this.s3 = bucket.client();
        this.bucket = bucket;
        this.versions = versions;
        this.metrics = metrics;
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

    /**
     * The object key of an agent session's record, {@code sessions/<agent session id>.json} (what the gateway keeps
     * about a caller's conversation: in knowledge-base mode, the sessionId Bedrock gave it).
     */
    public String sessionKey(String agentSessionId) {
        if (!AgentSessions.isValid(agentSessionId)) {
            throw new IllegalArgumentException("agent session id is not valid");
        }
        return bucket.key(SESSIONS + agentSessionId + ".json");
    }

    /** The agent session's record as S3 holds it now (always a GET); empty when there is none. */
    public Optional<Stored> readSession(String agentSessionId) {
        return counted("read", () -> readKey(checkedSessionKey(agentSessionId)));
    }

    /** {@link #update} for an agent session's record: the same read-modify-write, conditional where S3 allows. */
    public ObjectNode updateSession(String agentSessionId, UnaryOperator<ObjectNode> change) {
        return counted("write", () -> writeKey(checkedSessionKey(agentSessionId), change, false, false));
    }

    /**
     * Another JSON object of the gateway's own at {@code path} (under {@code S3_PREFIX}; an endpoint's health), as S3
     * holds it now (always a GET); empty when there is none.
     */
    public Optional<Stored> readObject(String path) {
        return counted("read", () -> readKey(bucket.key(path)));
    }

    /**
     * {@link #update} for such an object: the same read-modify-write, conditional where S3 allows. When {@code change}
     * returns null nothing is written (the object as read is returned; null when there is none).
     */
    public ObjectNode updateObject(String path, UnaryOperator<ObjectNode> change) {
        return counted("write", () -> writeKey(bucket.key(path), change, false, true));
    }

    private String checkedSessionKey(String agentSessionId) {
        try {
            return sessionKey(agentSessionId);
        } catch (IllegalArgumentException e) {
            throw new RecordStoreUnavailable("record store: " + e.getMessage(), null);
        }
    }

    /** {@link #read}, null when there is no record. */
    public Stored current(String trackingId) {
        return read(trackingId).orElse(null);
    }

    /** The record as S3 holds it now (always a GET), remembered as the latest version. */
    public Optional<Stored> read(String trackingId) {
        return counted("read", () -> readKey(key(trackingId)));
    }

    private Optional<Stored> readKey(String key) {
        if (bucket.conditionalWrites()) {
            // an older version cached by a read racing a write only costs that write a 412 and a retry
            return fetch(key);
        }
        // without conditional writes the cache must never fall behind this process's own writes
        ReentrantLock lock = lock(key);
        lock.lock();
        try {
            return fetch(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the record (its cached version, else a GET; null when there is none), applies {@code change},
     * writes the result; returns it.
     */
    public ObjectNode update(String trackingId, UnaryOperator<ObjectNode> change) {
        return write(trackingId, change, false);
    }

    /**
     * {@link #update} for a record that almost certainly does not exist yet (the intake's brand-new tracking
     * id): without a cached version it is not read. With conditional writes the PUT carries
     * {@code If-None-Match: *}; if the record exists after all (412/409) the change goes through the
     * normal update loop. Without them a record missing from the cache is taken as absent. That holds for
     * a fresh UUID in the single-process mode: no other process writes records, and every write of this
     * process (a later stage may come first: the queued write waits on the writers' pool) leaves its version
     * in the cache under the lock taken here. It fails only if that version was evicted in between, which
     * needs the cache to fill up with other records in that moment: keep {@code TRACKING_CACHE_SIZE} well
     * above the records in flight. With the cache off the record is read.
     */
    public ObjectNode create(String trackingId, UnaryOperator<ObjectNode> change) {
        return write(trackingId, change, true);
    }

    private ObjectNode write(String trackingId, UnaryOperator<ObjectNode> change, boolean probablyAbsent) {
        return counted("write", () -> writeKey(key(trackingId), change, probablyAbsent, false));
    }

    /** @param nullUnchanged a null from {@code change} means: nothing to write */
    private ObjectNode writeKey(String key, UnaryOperator<ObjectNode> change, boolean probablyAbsent, boolean nullUnchanged) {
        if (!bucket.conditionalWrites()) {
            ReentrantLock lock = lock(key);
            lock.lock();
            try {
                Optional<Stored> current = versions.get(key);
                if (current.isEmpty() && !(probablyAbsent && versions.enabled())) {
                    current = fetch(key);
                }
                ObjectNode next = change.apply(current.map(Stored::record).orElse(null));
                if (next == null && nullUnchanged) {
                    return current.map(Stored::record).orElse(null);
                }
                put(key, next, null, false); // LAST WRITER WINS across processes: see the class comment
                return next;
            } finally {
                lock.unlock();
            }
        }
        Optional<Stored> current = versions.get(key);
        boolean known = current.isPresent() || probablyAbsent;
        for (int i = 0; i < MAX_CONFLICTS; i++) {
            if (!known) {
                current = fetch(key);
            }
            String etag = current.map(Stored::etag).orElse(null);
            ObjectNode next = change.apply(current.map(Stored::record).orElse(null));
            if (next == null && nullUnchanged) {
                return current.map(Stored::record).orElse(null);
            }
            if (put(key, next, etag, true)) {
                return next;
            }
            // another replica wrote in between (or our cached version was stale): read its version and
            // apply the change again
            versions.forget(key, etag);
            known = false;
        }
        throw new RecordStoreUnavailable("record store: too many concurrent writers", null);
    }

    /**
     * Writes one object of the conversation export at {@code key} (the full key, prefix included); a failure
     * counts as an {@code export} error.
     */
    public void putObject(@ExchangeProperty(RecordWriter.EXPORT_KEY) String key, @Body String json) {
        counted("export", () -> {
            try {
                return s3.putObject(r -> r.bucket(bucket.name()).key(key).contentType("application/json"),
                        RequestBody.fromString(json));
            } catch (SdkException e) {
                throw unavailable("write", e);
            }
        });
    }

    /** The call; a failure is counted under {@code operation} and rethrown. */
    private <T> T counted(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (RecordStoreUnavailable e) {
            if (metrics != null) {
                metrics.recordStoreError(operation);
            }
            throw e;
        }
    }

    /** {@link #objectKey}, a tracking id that is not a UUID being a store error like any other (logged, counted). */
    private String key(String trackingId) {
        try {
            return objectKey(trackingId);
        } catch (IllegalArgumentException e) {
            throw new RecordStoreUnavailable("record store: " + e.getMessage(), null);
        }
    }

    /**
     * Writes the record and remembers it with the new ETag; false when a conditional write lost a race (412,
     * or 409 for a concurrent write in flight, or 404 for an If-Match on a record that is gone).
     */
    private boolean put(String key, ObjectNode record, String ifMatch, boolean conditional) {
        String json = Json.write(record);
        PutObjectResponse response;
        try {
            response = s3.putObject(r -> {
                r.bucket(bucket.name()).key(key).contentType("application/json");
                if (conditional) {
                    if (ifMatch == null) {
                        r.ifNoneMatch("*");
                    } else {
                        r.ifMatch(ifMatch);
                    }
                }
            }, RequestBody.fromString(json));
        } catch (S3Exception e) {
            if (conditional && (e.statusCode() == 412 || e.statusCode() == 409 || (ifMatch != null && e.statusCode() == 404))) {
                return false;
            }
            versions.forget(key); // the PUT may have landed all the same: the cached version is no longer sure
            throw unavailable("write", e);
        } catch (SdkException e) {
            versions.forget(key);
            throw unavailable("write", e);
        }
        if (conditional && response.eTag() == null) {
            versions.forget(key); // a conditional write needs the ETag: without it the next write reads first
        } else {
            versions.remember(key, json, response.eTag());
        }
        return true;
    }

    /** GETs the record and remembers what it found. */
    private Optional<Stored> fetch(String key) {
        try {
            var object = s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(key));
            String text = object.asUtf8String();
            JsonNode json = Json.MAPPER.readTree(text);
            if (!json.isObject()) {
                throw new RecordStoreUnavailable("record store: record is not a JSON object", null);
            }
            String etag = object.response().eTag();
            if (bucket.conditionalWrites() && etag == null) {
                versions.forget(key);
            } else {
                versions.remember(key, text, etag);
            }
            return Optional.of(new Stored((ObjectNode) json, etag));
        } catch (NoSuchKeyException e) {
            versions.forget(key);
            return Optional.empty();
        } catch (S3Exception e) {
            // 403 too: the gateway's IAM role (k8s/aws) may Get and Put objects but not list the bucket, and
            // without s3:ListBucket S3 answers a missing key with 403 instead of 404. A real permission problem
            // still shows on the write (PutObject denied), which is counted and logged.
            if (e.statusCode() == 404 || e.statusCode() == 403) {
                versions.forget(key);
                return Optional.empty();
            }
            throw unavailable("read", e);
        } catch (SdkException e) {
            throw unavailable("read", e);
        } catch (JacksonException e) {
            throw new RecordStoreUnavailable("record store: record is not valid JSON", null);
        }
    }

    private ReentrantLock lock(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private static RecordStoreUnavailable unavailable(String what, SdkException e) {
        String status = e instanceof S3Exception s3e ? " HTTP " + s3e.statusCode() : "";
        return new RecordStoreUnavailable("record store: cannot " + what + " (" + e.getClass().getSimpleName() + status + ")", e);
    }
}
