package gateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import gateway.testing.S3CallLog;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import routes.TrackingRoute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the stages cost in S3 calls, through the tracking routes on the embedded S3Proxy (the dev stack's
 * single-process mode): the intake's {@code queued} is one PUT, the never-pay-twice check reads the record only
 * when an earlier receive of the same request can have stored the agent's result, i.e. never on the first
 * receive, and the changes of the moment share one PUT.
 */
class TrackingRecordsTest {

    static final String BUCKET = "gw-tracking";

    static EmbeddedS3 embedded;
    static final S3CallLog log = new S3CallLog();
    static S3RecordStore store;
    static TrackingContext tracking;
    static StageRecords records;
    static CamelContext context;

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedS3.start(BUCKET, log);
        store = new S3RecordStore(new S3Bucket(embedded.client(), BUCKET, "", false), new RecordVersions(100, 1_000_000));
        tracking = TrackingContext.start(embedded.client(), BUCKET, Map.of());
        records = tracking.records();
        context = tracking.context;
    }

    @AfterAll
    static void stop() {
        tracking.close();
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

        exchange.setProperty(RecordWriter.CHANGE, records.queued(Timestamps.format(Instant.now()), "alice",
                exchange.getProperty(FlowProperties.REQUEST, JsonNode.class)));
        tracking.send(TrackingRoute.RECORD_CHANGE, exchange);

        await().atMost(Duration.ofSeconds(30)).until(() -> !log.calls().isEmpty() && tracking.waiting() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> tracking.context.getInflightRepository().size() == 0);
        assertThat(log.callsOutside("index/")).containsExactly("PutObject");
        assertThat(log.callsUnder("index/")).as("its summary in the question index").containsExactly("PutObject");
        ObjectNode stored = store.read(id).orElseThrow().record();
        assertThat(stored.get("status").asText()).isEqualTo("queued");
        assertThat(stored.get("source_system").asText()).isEqualTo("crm");
    }

    @Test
    void theFirstReceiveMakesNoS3Call() {
        String id = answered();
        Instant queuedAt = Instant.now();
        Exchange exchange = received(id, queuedAt, 1, queuedAt.plusMillis(20));

        tracking.send(TrackingRoute.LOOKUP_RECORD, exchange);

        assertThat(log.calls()).isEmpty();
        assertThat(exchange.getProperty(RecordLookup.STORED_STATUS)).isNull();
    }

    @Test
    void aLaterReceiveReadsTheRecordAndFindsTheStoredAnswer() {
        String id = answered();
        Instant queuedAt = Instant.now();
        Exchange exchange = received(id, queuedAt, 2, queuedAt.plusMillis(20));

        tracking.send(TrackingRoute.LOOKUP_RECORD, exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(RecordLookup.STORED_STATUS)).isEqualTo("answered");
        assertThat(exchange.getProperty(RecordLookup.STORED_DELIVERY, String.class)).contains("\"status\":\"answered\"");
    }

    @Test
    void aMessageRedrivenFromTheDlqIsReadAlthoughItsReceiveCountStartedAgain() {
        String id = answered();
        Instant queuedAt = Instant.now().minus(Duration.ofMinutes(20));
        Exchange exchange = received(id, queuedAt, 1, Instant.now());

        tracking.send(TrackingRoute.LOOKUP_RECORD, exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(RecordLookup.STORED_STATUS)).isEqualTo("answered");
    }

    @Test
    void anUnknownReceiveCountIsRead() {
        String id = answered();
        Exchange exchange = exchange(id, Instant.now());

        tracking.send(TrackingRoute.LOOKUP_RECORD, exchange);

        assertThat(log.calls()).containsExactly("GetObject");
        assertThat(exchange.getProperty(RecordLookup.STORED_STATUS)).isEqualTo("answered");
    }

    @Test
    void theChangesOfTheMomentShareOnePut() throws Exception {
        List<ObjectNode> written = new CopyOnWriteArrayList<>();
        // a delay far longer than the test: only the in-line write and the delivery's end write
        try (TrackingContext coalescing = TrackingContext.start(embedded.client(), BUCKET,
                Map.of("gateway.tracking.write-delay-ms", "60000"), registry -> {
                    RecordWriter capturing = new CapturingRecords(store(registry), written);
                    registry.unbind("recordWriter"); // the configuration's own, bound lazily
                    registry.bind("recordWriter", RecordWriter.class, capturing);
                })) {
            StageRecords stages = coalescing.records();
            String id = UUID.randomUUID().toString();
            Exchange exchange = exchange(id, Instant.now());
            exchange.setProperty(FlowProperties.REQUEST, Json.object().put("query", "q").put("source_system", "crm"));
            exchange.setProperty(RecordWriter.CHANGE, stages.queued(exchange.getProperty(FlowProperties.QUEUED_AT, String.class),
                    null, exchange.getProperty(FlowProperties.REQUEST, JsonNode.class)));
            coalescing.send(TrackingRoute.RECORD_CHANGE, exchange);
            exchange.getMessage().setBody("the prompt");
            exchange.setProperty(RecordWriter.CHANGE, stages.processing("the prompt", exchange));
            coalescing.send(TrackingRoute.RECORD_CHANGE, exchange);
            assertThat(log.calls()).isEmpty();

            String answer = Json.write(Json.object().put("status", "answered").put("tracking_id", id));
            exchange.getMessage().setBody(answer);
            exchange.setProperty(RecordWriter.CHANGE, stages.agentFinished(answer, exchange));
            coalescing.send(TrackingRoute.RECORD_NOW, exchange);
            assertThat(log.callsOutside("index/")).as("queued + processing + answered, written before the route goes on")
                    .containsExactly("PutObject");
            assertThat(log.callsUnder("index/")).as("and its summary in the question index, in line too").containsExactly("PutObject");

            log.clear();
            exchange.setProperty(RecordWriter.CHANGE, stages.delivering(exchange));
            coalescing.send(TrackingRoute.RECORD_CHANGE, exchange);
            stages.outcome(exchange, "delivered");
            exchange.setProperty(RecordWriter.CHANGE, stages.deliveryEnded(exchange));
            coalescing.send(TrackingRoute.RECORD_END, exchange);
            await().atMost(Duration.ofSeconds(30)).until(() -> written.size() == 2
                    && coalescing.context.getInflightRepository().size() == 0);
            assertThat(log.callsOutside("index/")).as("delivering + delivered").containsExactly("PutObject");
            assertThat(log.callsUnder("index/")).as("the summary's new status").containsExactly("PutObject");
            ObjectNode last = written.get(1);

            ObjectNode stored = store.read(id).orElseThrow().record();
            assertThat(stored).isEqualTo(last);
            assertThat(stored.get("status").asText()).isEqualTo("delivered");
            assertThat(stored.get("history").findValuesAsText("status"))
                    .containsExactly("queued", "processing", "answered", "delivering", "delivered");
            assertThat(stored.get("prompt").asText()).isEqualTo("the prompt");
            assertThat(coalescing.waiting()).isZero();
        }
    }

    @Test
    void aConversationIsFivePutsAndNoReadPlusTwoIndexPuts() throws Exception {
        // the normal flow with the export on: two record PUTs (the changes of the moment share one) and the export's three;
        // the question index: one PUT of its summary after each record PUT (each changed the status)
        try (TrackingContext flow = TrackingContext.start(embedded.client(), BUCKET,
                Map.of("gateway.tracking.write-delay-ms", "60000", "gateway.export.enabled", "true"))) {
            StageRecords stages = flow.records();
            String id = UUID.randomUUID().toString();
            Exchange exchange = received(id, Instant.now(), 1, Instant.now());
            exchange.setProperty(FlowProperties.REQUEST, Json.object().put("query", "q").put("source_system", "crm"));
            exchange.setProperty(RecordWriter.CHANGE, stages.queued(exchange.getProperty(FlowProperties.QUEUED_AT, String.class),
                    null, exchange.getProperty(FlowProperties.REQUEST, JsonNode.class)));
            flow.send(TrackingRoute.RECORD_CHANGE, exchange);
            flow.send(TrackingRoute.LOOKUP_RECORD, exchange);
            exchange.setProperty(RecordWriter.CHANGE, stages.processing("the prompt", exchange));
            flow.send(TrackingRoute.RECORD_CHANGE, exchange);
            String answer = Json.write(Json.object().put("status", "answered").put("tracking_id", id).put("response", "r"));
            exchange.setProperty(RecordWriter.CHANGE, stages.agentFinished(answer, exchange));
            flow.send(TrackingRoute.RECORD_NOW, exchange);
            exchange.setProperty(RecordWriter.CHANGE, stages.delivering(exchange));
            flow.send(TrackingRoute.RECORD_CHANGE, exchange);
            stages.outcome(exchange, "delivered");
            exchange.setProperty(RecordWriter.CHANGE, stages.deliveryEnded(exchange));
            flow.send(TrackingRoute.RECORD_END, exchange);

            await().atMost(Duration.ofSeconds(30)).until(() -> log.callsOutside("index/").size() >= 5
                    && flow.context.getInflightRepository().size() == 0);
            assertThat(log.callsOutside("index/")).containsExactly("PutObject", "PutObject", "PutObject", "PutObject", "PutObject");
            assertThat(log.callsUnder("index/")).containsExactly("PutObject", "PutObject");
            ObjectNode stored = store.read(id).orElseThrow().record();
            JsonNode conversation = Json.MAPPER.readTree(embedded.client().getObjectAsBytes(r -> r.bucket(BUCKET)
                    .key(ConversationExport.folder(stored) + "conversation.json")).asUtf8String());
            assertThat(conversation.get("history")).isEqualTo(stored.get("history"));
        }
    }

    @Test
    void oneTargetsEndWritesTheRecordAndTheLastOneExportsTheConversation() throws Exception {
        try (TrackingContext flow = TrackingContext.start(embedded.client(), BUCKET,
                Map.of("gateway.tracking.write-delay-ms", "60000", "gateway.export.enabled", "true"))) {
            StageRecords stages = flow.records();
            String id = UUID.randomUUID().toString();
            Exchange exchange = received(id, Instant.now(), 1, Instant.now());
            exchange.setProperty(RecordWriter.CHANGE, stages.queued(exchange.getProperty(FlowProperties.QUEUED_AT, String.class),
                    null, null));
            flow.send(TrackingRoute.RECORD_CHANGE, exchange);
            exchange.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(DeliveryEntriesTest.CRM, DeliveryEntriesTest.ZAP));
            String answer = Json.write(Json.object().put("status", "answered").put("tracking_id", id).put("response", "r"));
            exchange.setProperty(RecordWriter.CHANGE, stages.agentFinished(answer, exchange));
            flow.send(TrackingRoute.RECORD_NOW, exchange);

            deliver(flow, id, DeliveryEntriesTest.CRM);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.callsOutside("index/").size() >= 2
                    && flow.context.getInflightRepository().size() == 0);
            assertThat(log.callsOutside("index/")).as("the first target's end: its record write, no export")
                    .containsExactly("PutObject", "PutObject");
            assertThat(log.callsUnder("index/")).as("answered, then delivering").containsExactly("PutObject", "PutObject");
            ObjectNode stored = store.read(id).orElseThrow().record();
            assertThat(stored.get("status").asText()).isEqualTo("delivering");
            assertThat(stored.get("deliveries").get("msg_crm").get("status").asText()).isEqualTo("delivered");
            String conversationKey = ConversationExport.folder(stored) + "conversation.json";
            assertThat(embedded.client().listObjectsV2(r -> r.bucket(BUCKET).prefix(conversationKey)).keyCount()).isZero();

            log.clear();
            deliver(flow, id, DeliveryEntriesTest.ZAP);
            await().atMost(Duration.ofSeconds(30)).until(() -> log.callsOutside("index/").size() >= 4
                    && flow.context.getInflightRepository().size() == 0);
            assertThat(log.callsUnder("index/")).as("delivered").containsExactly("PutObject");
            assertThat(log.callsOutside("index/")).as("the last target's end: the record, then the export")
                    .containsExactly("PutObject", "PutObject", "PutObject", "PutObject");
            ObjectNode over = store.read(id).orElseThrow().record();
            assertThat(over.get("status").asText()).isEqualTo("delivered");
            JsonNode conversation = Json.MAPPER.readTree(embedded.client().getObjectAsBytes(r -> r.bucket(BUCKET)
                    .key(conversationKey)).asUtf8String());
            assertThat(conversation.get("delivery").get("outcome").asText()).isEqualTo("delivered");
        }
    }

    @Test
    void aFailedAttemptThatWaitsForTheNextStepIsOneIndexPutToo() throws Exception {
        // the list item shows each delivery's status and last attempt: a failed attempt that waits for the schedule's next
        // step changes no question status, but changes the summary (one index PUT with its record PUT; none before
        // deliveries were in the summary)
        try (TrackingContext flow = TrackingContext.start(embedded.client(), BUCKET, Map.of("gateway.tracking.write-delay-ms", "60000"))) {
            StageRecords stages = flow.records();
            String id = UUID.randomUUID().toString();
            Exchange exchange = received(id, Instant.now(), 1, Instant.now());
            exchange.setProperty(RecordWriter.CHANGE, stages.queued(exchange.getProperty(FlowProperties.QUEUED_AT, String.class),
                    null, Json.object().put("query", "q")));
            flow.send(TrackingRoute.RECORD_CHANGE, exchange);
            exchange.setProperty(FlowProperties.DELIVERY_TARGETS, List.of(DeliveryEntriesTest.CRM));
            String answer = Json.write(Json.object().put("status", "answered").put("tracking_id", id).put("response", "r"));
            exchange.setProperty(RecordWriter.CHANGE, stages.agentFinished(answer, exchange));
            flow.send(TrackingRoute.RECORD_NOW, exchange);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.context.getInflightRepository().size() == 0);

            Exchange delivery = received(id, Instant.now(), 1, Instant.now());
            delivery.setProperty(FlowProperties.WEBHOOK_ID, DeliveryEntriesTest.CRM.webhookId());
            delivery.setProperty(FlowProperties.DELIVERY_TARGET, DeliveryEntriesTest.CRM);
            delivery.setProperty(RecordWriter.CHANGE, stages.delivering(delivery));
            flow.send(TrackingRoute.RECORD_NOW, delivery);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.context.getInflightRepository().size() == 0);
            log.clear();

            DeliveryEntriesTest.failed(delivery, DeliveryEntriesTest.http(503));
            delivery.setProperty(FlowProperties.NEXT_ATTEMPT_IN, "PT1M");
            delivery.setProperty(RecordWriter.CHANGE, stages.deliveryDeferred("PT1M", delivery));
            flow.send(TrackingRoute.RECORD_NOW, delivery);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.context.getInflightRepository().size() == 0);
            assertThat(log.callsOutside("index/")).as("the failed attempt's record write").containsExactly("PutObject");
            assertThat(log.callsUnder("index/")).as("the summary's delivery: its attempt's 503").containsExactly("PutObject");
            JsonNode item = Json.MAPPER.readTree(embedded.client().getObjectAsBytes(r -> r.bucket(BUCKET)
                    .key("index/" + IndexKeys.caller(null) + "/q/" + store.read(id).orElseThrow().record()
                            .get(QuestionIndex.RECORD_FIELD).asText().substring(IndexKeys.caller(null).length() + 1) + ".json"))
                    .asUtf8String());
            assertThat(item.path("status").asText()).isEqualTo("delivering");
            assertThat(item.path("deliveries").get(0).path("status").asText()).isEqualTo("delivering");
            assertThat(item.path("deliveries").get(0).path("http_status").asInt()).isEqualTo(503);
        }
    }

    /** One target's delivery, delivered at the first attempt: "delivering" (waits), then its end (written at once). */
    static void deliver(TrackingContext flow, String id, gateway.delivery.DeliveryTarget target) {
        StageRecords stages = flow.records();
        Exchange exchange = exchange(id, Instant.now());
        exchange.setProperty(FlowProperties.WEBHOOK_ID, target.webhookId());
        exchange.setProperty(FlowProperties.DELIVERY_TARGET, target);
        exchange.setProperty(RecordWriter.CHANGE, stages.delivering(exchange));
        flow.send(TrackingRoute.RECORD_CHANGE, exchange);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        stages.outcome(exchange, "delivered");
        exchange.setProperty(RecordWriter.CHANGE, stages.deliveryEnded(exchange));
        flow.send(TrackingRoute.RECORD_END, exchange);
    }

    /** Keeps each record {@link #write} returns. */
    static final class CapturingRecords extends RecordWriter {
        private final List<ObjectNode> written;

        CapturingRecords(S3RecordStore store, List<ObjectNode> written) {
            super(store);
            this.written = written;
        }

        @Override
        public ObjectNode write(@ExchangeProperty(FlowProperties.TRACKING_ID) String id, @Body List<StageEvent> events,
                Exchange exchange) {
            ObjectNode record = super.write(id, events, exchange);
            written.add(record);
            return record;
        }
    }

    static S3RecordStore store(Registry registry) {
        return registry.lookupByNameAndType("recordStore", S3RecordStore.class);
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
        exchange.setProperty(FlowProperties.TRACKING_ID, id);
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
