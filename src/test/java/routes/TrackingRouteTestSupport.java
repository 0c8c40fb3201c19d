package routes;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import gateway.testing.GatewayTestApp;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.awaitility.Awaitility.await;

/** Reading tracking records and exported objects straight from the app's (embedded) S3. */
final class TrackingRouteTestSupport {

    private TrackingRouteTestSupport() {
    }

    /**
     * Waits until the record reaches {@code status} and the record writers are idle (no change waiting, none
     * being written: a write of the record's earlier changes may still land after the status), returns it.
     */
    static ObjectNode awaitStatus(GatewayTestApp app, String id, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode record = readObject(app, "records/" + id + ".json");
                    return record != null && status.equals(record.path("status").asText());
                });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> recordWritersIdle(app));
        return (ObjectNode) readObject(app, "records/" + id + ".json");
    }

    /**
     * No change waits to be written (the record-change step's aggregator holds none, and none it completed is
     * still being written) and no record writer is busy (nor has work queued).
     */
    static boolean recordWritersIdle(GatewayTestApp app) {
        AggregateProcessor changes = app.context().getProcessor("coalesce-record-changes", AggregateProcessor.class);
        ThreadPoolExecutor writers = (ThreadPoolExecutor) app.bean("recordWriters", ExecutorService.class);
        return changes.getAggregationRepository().getKeys().isEmpty() && changes.getInProgressCompleteExchanges() == 0
                && writers.getQueue().isEmpty() && writers.getActiveCount() == 0;
    }

    static JsonNode readObject(GatewayTestApp app, String path) {
        S3Bucket bucket = app.bean("s3Bucket", S3Bucket.class);
        try {
            return Json.MAPPER.readTree(bucket.client().getObjectAsBytes(r -> r.bucket(bucket.name()).key(bucket.key(path))).asUtf8String());
        } catch (NoSuchKeyException e) {
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
