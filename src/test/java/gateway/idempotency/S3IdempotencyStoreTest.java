package gateway.idempotency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 store against the embedded S3Proxy, in its HEAD-then-PUT mode (S3Proxy has no conditional PUT). */
class S3IdempotencyStoreTest {

    static EmbeddedS3 embedded;
    static S3Client s3;
    static S3IdempotencyStore store;

    static final IdempotencyRecord FIRST = new IdempotencyRecord("h1", "t1", "2025-08-13T06:30:00.000000+00:00", false);
    static final IdempotencyRecord SECOND = new IdempotencyRecord("h2", "t2", "2025-08-13T06:31:00.000000+00:00", false);

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedS3.start("gw-idempotency");
        s3 = embedded.client();
        store = new S3IdempotencyStore(new S3Bucket(s3, "gw-idempotency", "tenant-a", false));
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    @Test
    void objectsLiveUnderThePrefix() {
        assertThat(store.objectKey("abc")).isEqualTo("tenant-a/idempotency/abc.json");
        assertThat(new S3IdempotencyStore(new S3Bucket(s3, "gw-idempotency", "", false)).objectKey("abc")).isEqualTo("idempotency/abc.json");
        assertThat(new S3IdempotencyStore(new S3Bucket(s3, "gw-idempotency", "/x/", false)).objectKey("abc")).isEqualTo("x/idempotency/abc.json");
    }

    @Test
    void createOnceReadReplaceByVersionDelete() {
        assertThat(store.read("k1")).isEmpty();
        assertThat(store.create("k1", FIRST)).isTrue();
        assertThat(store.create("k1", SECOND)).isFalse();
        IdempotencyStore.Stored stored = store.read("k1").orElseThrow();
        assertThat(stored.record()).isEqualTo(FIRST);
        assertThat(store.replace("k1", stored.version(), SECOND)).isTrue();
        assertThat(store.replace("k1", stored.version(), FIRST)).as("stale version").isFalse();
        assertThat(store.read("k1").orElseThrow().record()).isEqualTo(SECOND);
        store.put("k1", SECOND.queuedNow());
        assertThat(store.read("k1").orElseThrow().record().queued()).isTrue();
        store.delete("k1");
        assertThat(store.read("k1")).isEmpty();
        assertThat(store.replace("k1", stored.version(), FIRST)).as("vanished").isFalse();
    }

    @Test
    void concurrentCreatesInOneProcessHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                IdempotencyRecord record = new IdempotencyRecord("h", "t" + i, FIRST.queuedAt(), false);
                tasks.add(() -> store.create("race", record));
            }
            int winners = 0;
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnreachableStoreIsUnavailable() {
        S3IdempotencyStore missingBucket = new S3IdempotencyStore(new S3Bucket(s3, "no-such-bucket", "", false));
        assertThatThrownBy(() -> missingBucket.create("k", FIRST)).isInstanceOf(IdempotencyStoreUnavailable.class)
                .hasMessageStartingWith("Idempotency store: cannot");
    }
}
