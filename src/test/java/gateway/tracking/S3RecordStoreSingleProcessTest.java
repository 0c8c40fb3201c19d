package gateway.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import gateway.testing.S3CallLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static gateway.tracking.S3RecordStoreTest.create;
import static gateway.tracking.S3RecordStoreTest.stage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record store without conditional writes (the single-process dev stack, against the embedded S3Proxy
 * itself): under the per-record lock the cached last version is the current record, so a new record and
 * each later stage of this process cost one PUT, and nothing this process wrote is lost. Counted with an
 * interceptor on the client.
 */
class S3RecordStoreSingleProcessTest {

    static EmbeddedS3 embedded;
    static S3Client s3;
    static final S3CallLog log = new S3CallLog();
    static final String BUCKET = "gw-single";

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedS3.start(BUCKET, log);
        s3 = embedded.client();
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    @BeforeEach
    void clear() {
        log.clear();
    }

    static S3RecordStore store(int cacheSize) {
        return new S3RecordStore(new S3Bucket(s3, BUCKET, "", false), new RecordVersions(cacheSize, 1_000_000));
    }

    static ObjectNode stored(String id) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("records/" + id + ".json")).asUtf8String());
    }

    @Test
    void aNewRecordAndEachLaterStageAreOnePutEach() throws Exception {
        S3RecordStore store = store(100);
        String id = UUID.randomUUID().toString();
        create(store, id);
        stage(store, id, TrackingStatus.PROCESSING, 1);
        stage(store, id, TrackingStatus.ANSWERED, 2);

        assertThat(log.calls()).containsExactly("PutObject", "PutObject", "PutObject");
        assertThat(S3RecordStoreTest.statuses(stored(id))).containsExactly("queued", "processing", "answered");
    }

    @Test
    void aLaterStageWrittenBeforeTheQueuedOneIsKept() throws Exception {
        S3RecordStore store = store(100);
        String id = UUID.randomUUID().toString();
        stage(store, id, TrackingStatus.PROCESSING, 1); // the queued write waited on the writers' pool
        create(store, id);

        assertThat(log.calls()).containsExactly("GetObject", "PutObject", "PutObject");
        assertThat(S3RecordStoreTest.statuses(stored(id))).containsExactly("queued", "processing");
        assertThat(stored(id).get("status").asText()).isEqualTo("processing");
    }

    @Test
    void concurrentStagesInThisProcessAreAllKept() throws Exception {
        S3RecordStore store = store(100);
        String id = UUID.randomUUID().toString();
        create(store, id);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 1; i <= 24; i++) {
                int second = i;
                writes.add(pool.submit(() -> stage(store, id, TrackingStatus.DELIVERING, second)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(log.calls()).as("no write read first").containsOnly("PutObject").hasSize(25);
        assertThat(stored(id).get("history")).hasSize(25);
    }

    @Test
    void readsAskS3AndTheNextWriteStartsFromWhatTheyFound() throws Exception {
        S3RecordStore store = store(100);
        String id = UUID.randomUUID().toString();
        // a record this process never wrote (a previous run of it wrote it)
        ObjectNode earlier = TrackingRecord.apply(null, id, S3RecordStoreTest.event(TrackingStatus.QUEUED, S3RecordStoreTest.at(0)));
        s3.putObject(r -> r.bucket(BUCKET).key("records/" + id + ".json"), RequestBody.fromString(Json.write(earlier)));
        log.clear();

        assertThat(store.read(id).orElseThrow().record().get("status").asText()).isEqualTo("queued");
        stage(store, id, TrackingStatus.PROCESSING, 1);

        assertThat(log.calls()).containsExactly("GetObject", "PutObject");
        assertThat(S3RecordStoreTest.statuses(stored(id))).containsExactly("queued", "processing");
    }

    @Test
    void withTheCacheOffEveryWriteReadsFirst() throws Exception {
        S3RecordStore store = store(0);
        String id = UUID.randomUUID().toString();
        create(store, id);
        stage(store, id, TrackingStatus.PROCESSING, 1);

        assertThat(log.calls()).containsExactly("GetObject", "PutObject", "GetObject", "PutObject");
        assertThat(S3RecordStoreTest.statuses(stored(id))).containsExactly("queued", "processing");
    }
}
