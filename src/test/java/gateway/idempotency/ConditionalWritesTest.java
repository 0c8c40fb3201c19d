package gateway.idempotency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import gateway.s3.S3Bucket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import gateway.testing.S3StandInHttp;

import static gateway.testing.S3StandInHttp.decodeAwsChunked;
import static gateway.testing.S3StandInHttp.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's conditional-write mode (AWS S3): what it sends ({@code If-None-Match: *}, {@code If-Match})
 * and how it reads S3's answers (412 and 409 lose, 5xx is unavailable), against a minimal S3 stand-in on
 * loopback that implements conditional PUT as AWS documents it.
 */
class ConditionalWritesTest {

    static S3StandInHttp.Running standIn;
    static S3IdempotencyStore store;
    static final Map<String, String[]> objects = new ConcurrentHashMap<>(); // key -> {body, etag}
    static final List<String> conditions = new CopyOnWriteArrayList<>();
    static final AtomicInteger etags = new AtomicInteger();
    static volatile int forcedStatus;

    static final IdempotencyRecord FIRST = new IdempotencyRecord("h1", "t1", "2025-08-13T06:30:00.000000+00:00", false);
    static final IdempotencyRecord SECOND = new IdempotencyRecord("h2", "t2", "2025-08-13T06:31:00.000000+00:00", true);

    @BeforeAll
    static void start() throws IOException {
        standIn = S3StandInHttp.start(ConditionalWritesTest::handle);
        store = new S3IdempotencyStore(new S3Bucket(standIn.client(), "gw-conditional", "", true));
    }

    @AfterAll
    static void stop() {
        standIn.close();
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
        String[] current = objects.get(key);
        if (forcedStatus != 0) {
            reply(exchange, forcedStatus, "<Error><Code>Forced</Code></Error>", null);
            return;
        }
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                conditions.add(ifNoneMatch != null ? "If-None-Match: " + ifNoneMatch : ifMatch != null ? "If-Match: " + ifMatch : "none");
                if (("*".equals(ifNoneMatch) && current != null) || (ifMatch != null && (current == null || !ifMatch.equals(current[1])))) {
                    reply(exchange, current == null ? 404 : 412, "<Error><Code>PreconditionFailed</Code></Error>", null);
                    return;
                }
                String etag = "\"e" + etags.incrementAndGet() + "\"";
                objects.put(key, new String[] {new String(body, StandardCharsets.UTF_8), etag});
                reply(exchange, 200, "", etag);
            }
            case "GET" -> {
                if (current == null) {
                    reply(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>", null);
                } else {
                    reply(exchange, 200, current[0], current[1]);
                }
            }
            case "DELETE" -> {
                objects.remove(key);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            default -> reply(exchange, 405, "", null);
        }
    }



    @Test
    void createSendsIfNoneMatchStarAndLosesOn412() {
        assertThat(store.create("k1", FIRST)).isTrue();
        assertThat(store.create("k1", SECOND)).isFalse();
        assertThat(conditions).contains("If-None-Match: *");
        assertThat(store.read("k1").orElseThrow().record()).isEqualTo(FIRST);
    }

    @Test
    void replaceSendsIfMatchWithTheVersionRead() {
        assertThat(store.create("k2", FIRST)).isTrue();
        String version = store.read("k2").orElseThrow().version();
        assertThat(store.replace("k2", version, SECOND)).isTrue();
        assertThat(conditions).contains("If-Match: " + version);
        assertThat(store.replace("k2", version, FIRST)).as("stale version").isFalse();
        assertThat(store.read("k2").orElseThrow().record()).isEqualTo(SECOND);
        store.delete("k2");
        assertThat(store.replace("k2", version, FIRST)).as("vanished").isFalse();
    }

    @Test
    void aConcurrentWriteConflictLosesAndA5xxIsUnavailable() {
        forcedStatus = 409;
        try {
            assertThat(store.create("k3", FIRST)).isFalse();
            forcedStatus = 503;
            assertThatThrownBy(() -> store.create("k3", FIRST)).isInstanceOf(IdempotencyStoreUnavailable.class);
            assertThatThrownBy(() -> store.read("k3")).isInstanceOf(IdempotencyStoreUnavailable.class);
        } finally {
            forcedStatus = 0;
        }
    }
}
