package gateway.tracking;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.answer.RequestMessageReader;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.metrics.FlowMetrics;
import gateway.s3.BucketProvisioner;
import gateway.s3.EmbeddedS3Server;
import gateway.s3.EmbeddedS3ServerTest;
import gateway.s3.S3Bucket;
import gateway.testing.S3CallLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the stages cost in S3 calls, on the embedded S3Proxy (the dev stack's single-process mode): the
 * intake's {@code queued} is one PUT.
 */
class TrackingRecordsTest {

    static final String BUCKET = "gw-tracking";

    static EmbeddedS3Server server;
    static S3Client s3;
    static final S3CallLog log = new S3CallLog();
    static S3RecordStore store;
    static TrackingRecords records;
    static DefaultCamelContext context;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedS3Server(0);
        server.start();
        s3 = EmbeddedS3ServerTest.client(server, log);
        new BucketProvisioner(s3).ensureBucket(BUCKET);
        store = new S3RecordStore(new S3Bucket(s3, BUCKET, "", false), new RecordVersions(100, 1_000_000));
        records = new TrackingRecords(store, new StoreRetry(new FlowMetrics(new SimpleMeterRegistry()), 1, 0),
                Clock.systemUTC(), new DeliveryAttempts(3), Runnable::run);
        context = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.stop();
    }

    @BeforeEach
    void clear() {
        log.clear();
    }

    @Test
    void queuedIsOnePut() {
        String id = UUID.randomUUID().toString();
        Exchange exchange = exchange(id, Instant.now());
        exchange.getMessage().setBody(Json.write(Json.object().put("tracking_id", id)
                .set("webhook_request", Json.object().put("query", "q").put("source_system", "crm"))));

        records.queued(exchange);

        assertThat(log.calls()).containsExactly("PutObject");
        ObjectNode stored = store.read(id).orElseThrow().record();
        assertThat(stored.get("status").asText()).isEqualTo("queued");
        assertThat(stored.get("source_system").asText()).isEqualTo("crm");
    }

    static Exchange exchange(String id, Instant queuedAt) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty("tracking_id", id);
        exchange.setProperty(RequestMessageReader.QUEUED_AT, Timestamps.format(queuedAt));
        return exchange;
    }
}
