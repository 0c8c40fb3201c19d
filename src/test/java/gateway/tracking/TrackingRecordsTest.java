package gateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import gateway.testing.S3CallLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the stages cost in S3 calls, on the embedded S3Proxy (the dev stack's single-process mode): the
 * intake's {@code queued} is one PUT, and the never-pay-twice check reads the record only when an earlier
 * receive of the same request can have stored the agent's result, i.e. never on the first receive.
 */
class TrackingRecordsTest {

    static final String BUCKET = "gw-tracking";

    static EmbeddedS3 embedded;
    static final S3CallLog log = new S3CallLog();
    static S3RecordStore store;
    static TrackingRecords records;
    static DefaultCamelContext context;

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedS3.start(BUCKET, log);
        store = new S3RecordStore(new S3Bucket(embedded.client(), BUCKET, "", false), new RecordVersions(100, 1_000_000));
        records = new TrackingRecords(store, new StoreRetry(new FlowMetrics(new SimpleMeterRegistry()), 1, 0),
                Clock.systemUTC(), new DeliveryAttempts(3), Runnable::run);
        context = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    @BeforeEach
    void clear() {
        log.clear();
    }

    @Test
    void queuedIsOnePut() {
        String id = UUID.randomUUID().toString();
        Exchange exchange = exchange(id, Instant.now());
        exchange.setProperty(FlowProperties.REQUEST, Json.object().put("query", "q").put("source_system", "crm"));

        records.queued(exchange);

        assertThat(log.calls()).containsExactly("PutObject");
        ObjectNode stored = store.read(id).orElseThrow().record();
        assertThat(stored.get("status").asText()).isEqualTo("queued");
        assertThat(stored.get("source_system").asText()).isEqualTo("crm");
    }

    @Test
    void theFirstReceiveMakesNoS3Call() {
        String id = answered();
        Instant queuedAt = Instant.now();
        Exchange exchange = received(id, queuedAt, 1, queuedAt.plusMillis(20));

        records.lookup(exchange);

        assertThat(log.calls()).isEmpty();
        assertThat(exchange.getProperty(TrackingRecords.STORED_STATUS)).isNull();
    }

    @Test
    void aLaterReceiveReadsTheRecordAndFindsTheStoredAnswer() {
        String id = answered();
        Instant queuedAt = Instant.now();
        Exchange exchange = received(id, queuedAt, 2, queuedAt.plusMillis(20));

        records.lookup(exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(TrackingRecords.STORED_STATUS)).isEqualTo("answered");
        assertThat(exchange.getProperty(TrackingRecords.STORED_DELIVERY, String.class)).contains("\"status\":\"answered\"");
    }

    @Test
    void aMessageRedrivenFromTheDlqIsReadAlthoughItsReceiveCountStartedAgain() {
        String id = answered();
        Instant queuedAt = Instant.now().minus(Duration.ofMinutes(20));
        Exchange exchange = received(id, queuedAt, 1, Instant.now());

        records.lookup(exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(TrackingRecords.STORED_STATUS)).isEqualTo("answered");
    }

    @Test
    void anUnknownReceiveCountIsRead() {
        String id = answered();
        Exchange exchange = exchange(id, Instant.now());

        records.lookup(exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(TrackingRecords.STORED_STATUS)).isEqualTo("answered");
    }

    @Test
    void theChangesOfTheMomentShareOnePut() {
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        try {
            // a delay far longer than the test: only the in-line writes write
            TrackingRecords coalescing = new TrackingRecords(store, new StoreRetry(new FlowMetrics(new SimpleMeterRegistry()), 1, 0),
                    Clock.systemUTC(), new DeliveryAttempts(3), Runnable::run, timer, 60_000);
            String id = UUID.randomUUID().toString();
            Exchange exchange = exchange(id, Instant.now());
            exchange.setProperty(FlowProperties.REQUEST, Json.object().put("query", "q").put("source_system", "crm"));
            coalescing.queued(exchange);
            exchange.getMessage().setBody("the prompt");
            coalescing.processing(exchange);
            assertThat(log.calls()).isEmpty();

            exchange.getMessage().setBody(Json.write(Json.object().put("status", "answered").put("tracking_id", id)));
            coalescing.agentFinished(exchange);
            assertThat(log.calls()).as("queued + processing + answered").containsExactly("PutObject");

            log.clear();
            coalescing.delivering(exchange);
            coalescing.outcome(exchange, "delivered");
            ObjectNode last = coalescing.deliveryEnded(exchange);
            assertThat(log.calls()).as("delivering + delivered").containsExactly("PutObject");

            ObjectNode stored = store.read(id).orElseThrow().record();
            assertThat(stored).isEqualTo(last);
            assertThat(stored.get("status").asText()).isEqualTo("delivered");
            assertThat(stored.get("history").findValuesAsText("status"))
                    .containsExactly("queued", "processing", "answered", "delivering", "delivered");
            assertThat(stored.get("prompt").asText()).isEqualTo("the prompt");
            assertThat(coalescing.pending().waiting()).isZero();
        } finally {
            timer.shutdownNow();
        }
    }

    /** A record whose agent stage has finished, as an earlier receive leaves it. */
    static String answered() {
        String id = UUID.randomUUID().toString();
        ObjectNode delivery = Json.object().put("status", "answered").put("tracking_id", id);
        store.update(id, r -> TrackingRecord.apply(r, id, new StageEvent(TrackingStatus.ANSWERED, Timestamps.nowUtc(), 1,
                "the agent answered", rec -> rec.set("delivery_message", delivery))));
        log.clear();
        return id;
    }

    static Exchange exchange(String id, Instant queuedAt) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty("tracking_id", id);
        exchange.setProperty(FlowProperties.QUEUED_AT, Timestamps.format(queuedAt));
        return exchange;
    }

    /** As the SQS consumer hands it out: its system attributes as Camel's aws2-sqs puts them in a header. */
    static Exchange received(String id, Instant queuedAt, int receiveCount, Instant sentAt) {
        Exchange exchange = exchange(id, queuedAt);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        attributes.put("SentTimestamp", Long.toString(sentAt.toEpochMilli()));
        exchange.getMessage().setHeader("CamelAwsSqsAttributes", attributes);
        return exchange;
    }
}
