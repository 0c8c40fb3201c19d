package gateway.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import gateway.s3.S3Bucket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import gateway.testing.S3StandInHttp;

import static gateway.testing.S3StandInHttp.decodeAwsChunked;
import static gateway.testing.S3StandInHttp.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The record store's read-modify-write with conditional writes (AWS S3): a new record is created with
 * {@code If-None-Match: *}, an existing one replaced with {@code If-Match: <etag>}; when another replica
 * wrote in between (412) the store reads again and reapplies its change, so neither write is lost. With
 * the cache of last versions ({@link RecordVersions}) a same-process write is one PUT with the cached ETag,
 * a new record one PUT, and a stale cached ETag (another replica wrote) costs a 412 and a fresh read, never
 * the other replica's write. Against a minimal S3 stand-in on loopback that implements conditional PUT as
 * AWS documents it; two store instances are two replicas.
 */
class S3RecordStoreTest {

    static S3StandInHttp.Running standIn;
    static S3Client s3;
    static S3RecordStore store;
    static final Map<String, String[]> objects = new ConcurrentHashMap<>(); // key -> {body, etag}
    static final List<String> conditions = new CopyOnWriteArrayList<>();
    /** Every request and its answer, e.g. {@code GET 404}, {@code PUT If-Match: "e3" 412}. */
    static final List<String> calls = new CopyOnWriteArrayList<>();
    /** When not 0, every PUT is answered with this status. */
    static volatile int forcedPutStatus;
    static final AtomicInteger etags = new AtomicInteger();
    /** When set, runs once just before the next conditional PUT is judged: "another replica" writes first. */
    static volatile Runnable interleave;

    @BeforeAll
    static void start() throws IOException {
        standIn = S3StandInHttp.start(S3RecordStoreTest::handle); // handle() lets "another replica" call in between
        s3 = standIn.client();
        store = new S3RecordStore(new S3Bucket(s3, "gw-records", "pre", true));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Test
    void newRecordIsCreatedWithIfNoneMatchThenReplacedWithIfMatch() {
        String id = UUID.randomUUID().toString();
        conditions.clear();
        store.update(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.QUEUED, "2025-01-01T00:00:00.000000+00:00")));
        store.update(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.PROCESSING, "2025-01-01T00:00:01.000000+00:00")));
        assertThat(conditions).hasSize(2);
        assertThat(conditions.get(0)).isEqualTo("If-None-Match: *");
        assertThat(conditions.get(1)).isEqualTo("If-Match: \"e" + (etags.get() - 1) + "\"");
        assertThat(objects).containsKey("/gw-records/pre/records/" + id + ".json");
        assertThat(store.read(id).orElseThrow().record().get("status").asText()).isEqualTo("processing");
    }

    @Test
    void aConcurrentWriteFromAnotherReplicaIsNotLost() {
        String id = UUID.randomUUID().toString();
        store.update(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.QUEUED, "2025-01-01T00:00:00.000000+00:00")));
        // between our read and our write, another replica records the answer
        interleave = () -> store.update(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.ANSWERED, "2025-01-01T00:00:02.000000+00:00")));
        conditions.clear();
        ObjectNode result = store.update(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.PROCESSING, "2025-01-01T00:00:01.000000+00:00")));

        assertThat(conditions.stream().filter(c -> c.startsWith("If-Match")).count()).as("lost once, then retried").isEqualTo(3);
        ObjectNode stored = store.read(id).orElseThrow().record();
        assertThat(stored).isEqualTo(result);
        assertThat(stored.get("status").asText()).as("the status never moves back").isEqualTo("answered");
        assertThat(stored.get("history")).extracting(h -> h.get("status").asText())
                .containsExactly("queued", "processing", "answered");
    }

    @Test
    void keysComeFromTheFullTrackingIdWhichMustBeAUuid() {
        String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assertThat(store.objectKey(id.toUpperCase())).isEqualTo("pre/records/" + id + ".json");
        assertThatThrownBy(() -> store.objectKey("../../idempotency/x")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- the cache of last versions (two store instances on the same bucket are two replicas) ---

    static S3RecordStore replica() {
        return new S3RecordStore(new S3Bucket(s3, "gw-records", "pre", true), new RecordVersions(100, 1_000_000));
    }

    /** The record's {@code queued} stage, written as the intake writes it (a create). */
    static ObjectNode create(S3RecordStore store, String id) {
        return store.create(id, r -> TrackingRecord.apply(r, id, event(TrackingStatus.QUEUED, at(0))));
    }

    /** A later stage, {@code second} seconds in. */
    static ObjectNode stage(S3RecordStore store, String id, TrackingStatus status, int second) {
        return store.update(id, r -> TrackingRecord.apply(r, id, event(status, at(second))));
    }

    static String at(int second) {
        return String.format("2025-01-01T00:00:%02d.000000+00:00", second);
    }

    @Test
    void aNewRecordIsOnePutAndASameProcessUpdateIsOnePutWithTheCachedEtag() {
        S3RecordStore store = replica();
        String id = UUID.randomUUID().toString();
        calls.clear();
        create(store, id);
        String created = "\"e" + etags.get() + "\"";
        stage(store, id, TrackingStatus.PROCESSING, 1);
        stage(store, id, TrackingStatus.ANSWERED, 2);

        assertThat(calls).containsExactly("PUT If-None-Match: * 200", "PUT If-Match: " + created + " 200",
                "PUT If-Match: \"e" + (etags.get() - 1) + "\" 200");
        assertThat(statuses(store.read(id).orElseThrow().record())).containsExactly("queued", "processing", "answered");
    }

    @Test
    void aStaleCachedEtagGets412AndTheOtherReplicasWriteIsKept() {
        S3RecordStore a = replica();
        S3RecordStore b = replica();
        String id = UUID.randomUUID().toString();
        create(a, id);
        stage(b, id, TrackingStatus.PROCESSING, 1); // another replica: a's cached version is now stale
        calls.clear();

        ObjectNode result = stage(a, id, TrackingStatus.ANSWERED, 2);

        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).as("a's cached ETag no longer matches").endsWith(" 412");
        assertThat(calls.get(1)).isEqualTo("GET 200");
        assertThat(calls.get(2)).startsWith("PUT If-Match:").endsWith(" 200");
        assertThat(statuses(result)).containsExactly("queued", "processing", "answered");
        assertThat(b.read(id).orElseThrow().record()).isEqualTo(result);
    }

    @Test
    void creatingARecordThatExistsAfterAllMergesThroughTheUpdateLoop() {
        S3RecordStore a = replica();
        S3RecordStore b = replica();
        String id = UUID.randomUUID().toString();
        stage(b, id, TrackingStatus.PROCESSING, 1); // the agent stage of another replica came first
        calls.clear();

        ObjectNode result = create(a, id);

        assertThat(calls).containsExactly("PUT If-None-Match: * 412", "GET 200", "PUT If-Match: \"e" + (etags.get() - 1) + "\" 200");
        assertThat(statuses(result)).containsExactly("queued", "processing");
        assertThat(result.get("status").asText()).isEqualTo("processing");
    }

    @Test
    void readsAlwaysAskS3AndRefreshTheCache() {
        S3RecordStore a = replica();
        S3RecordStore b = replica();
        String id = UUID.randomUUID().toString();
        create(a, id);
        stage(b, id, TrackingStatus.PROCESSING, 1);
        calls.clear();

        assertThat(a.read(id).orElseThrow().record().get("status").asText()).as("b's write is seen").isEqualTo("processing");
        stage(a, id, TrackingStatus.ANSWERED, 2);

        assertThat(calls).containsExactly("GET 200", "PUT If-Match: \"e" + (etags.get() - 1) + "\" 200");
    }

    @Test
    void aWriteThatFailedForgetsTheCachedVersionBecauseItMayHaveLanded() {
        S3RecordStore a = replica();
        String id = UUID.randomUUID().toString();
        create(a, id);
        forcedPutStatus = 500;
        try {
            assertThatThrownBy(() -> stage(a, id, TrackingStatus.PROCESSING, 1)).isInstanceOf(RecordStoreUnavailable.class);
        } finally {
            forcedPutStatus = 0;
        }
        calls.clear();
        stage(a, id, TrackingStatus.PROCESSING, 1);
        assertThat(calls).containsExactly("GET 200", "PUT If-Match: \"e" + (etags.get() - 1) + "\" 200");
    }

    @Test
    void withoutTheCacheEveryWriteReadsFirst() {
        String id = UUID.randomUUID().toString();
        create(store, id);
        calls.clear();
        stage(store, id, TrackingStatus.PROCESSING, 1);
        assertThat(calls).containsExactly("GET 200", "PUT If-Match: \"e" + (etags.get() - 1) + "\" 200");
    }

    static List<String> statuses(ObjectNode record) {
        List<String> out = new java.util.ArrayList<>();
        record.get("history").forEach(h -> out.add(h.get("status").asText()));
        return out;
    }

    static StageEvent event(TrackingStatus status, String at) {
        return new StageEvent(status, at, 1, null, null);
    }

    static void handle(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String payload = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
        if (payload != null && payload.startsWith("STREAMING-")) {
            body = decodeAwsChunked(body);
        }
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                String condition = ifNoneMatch != null ? "If-None-Match: " + ifNoneMatch : ifMatch != null ? "If-Match: " + ifMatch : "none";
                conditions.add(condition);
                Runnable other = interleave;
                if (other != null) {
                    interleave = null;
                    other.run();
                }
                if (forcedPutStatus != 0) {
                    calls.add("PUT " + condition + " " + forcedPutStatus);
                    reply(exchange, forcedPutStatus, "<Error><Code>Forced</Code></Error>", null);
                    return;
                }
                String[] current = objects.get(key);
                if (("*".equals(ifNoneMatch) && current != null) || (ifMatch != null && (current == null || !ifMatch.equals(current[1])))) {
                    calls.add("PUT " + condition + " 412");
                    reply(exchange, 412, "<Error><Code>PreconditionFailed</Code></Error>", null);
                    return;
                }
                String etag = "\"e" + etags.incrementAndGet() + "\"";
                objects.put(key, new String[] {new String(body, StandardCharsets.UTF_8), etag});
                calls.add("PUT " + condition + " 200");
                reply(exchange, 200, "", etag);
            }
            case "GET" -> {
                String[] current = objects.get(key);
                calls.add("GET " + (current == null ? 404 : 200));
                if (current == null) {
                    reply(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>", null);
                } else {
                    reply(exchange, 200, current[0], current[1]);
                }
            }
            default -> reply(exchange, 405, "", null);
        }
    }


}
