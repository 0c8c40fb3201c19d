package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.EventStreamClient;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A question's events: {@code query.started}, its progress, then its final event, in its log and its stream, and as
 * webhooks to the endpoints that take them (signed, in order, none after the final one); an endpoint without
 * {@code events} gets the final event only. The stream ({@code GET /webhook/{tracking_id}/events}) is the caller's own,
 * sends every event so far then each new one, resumes after {@code Last-Event-ID} and ends after the final event; it
 * works on a replica that does not run the agent (the second app here: its own stage off, the same queues and store).
 */
class QuestionEventsTest {

    static final String KEY = "acme-key-0001-aaaaaaaaaaaa";
    static final String OTHER_KEY = "zed-key-0001-bbbbbbbbbbbb";
    static final String SECRET = CallersDeliveryTest.secret(13);

    static ScriptedReceiver watcher;
    static ScriptedReceiver plain;
    static GatewayTestApp agentSide;
    static GatewayTestApp streamSide;
    static Path callersFile;

    @BeforeAll
    static void start() throws Exception {
        watcher = ScriptedReceiver.startOnRandomPort(SECRET);
        plain = ScriptedReceiver.startOnRandomPort(SECRET);
        callersFile = EndpointTestSupport.callersFile(KEY, SECRET, """
                - name: watcher
                  url: %swatcher
                  events: [query.started, query.progress, query.answered, query.failed, query.cancelled]
                - name: plain
                  url: %splain
                """.formatted(watcher.url(), plain.url()));
        Files.writeString(callersFile, Files.readString(callersFile) + """
                  - name: zed
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - url: %szed
                """.formatted(OTHER_KEY, SECRET, plain.url()));
        Map<String, String> settings = Map.of("gateway.callers.file", callersFile.toString(), "gateway.cancel.poll-ms", "200");
        agentSide = GatewayTestApp.start(settings);
        streamSide = GatewayTestApp.start(Map.of("gateway.callers.file", callersFile.toString(), "gateway.cancel.poll-ms", "200",
                "gateway.sqs.endpoint", agentSide.property("gateway.sqs.endpoint"),
                "gateway.s3.endpoint", agentSide.property("gateway.s3.endpoint"), "gateway.s3.conditional-writes", "false",
                "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayTestApp app : new GatewayTestApp[] {streamSide, agentSide}) {
            if (app != null) {
                app.close();
            }
        }
        watcher.close();
        plain.close();
        Files.deleteIfExists(callersFile);
    }

    @BeforeEach
    void clean() {
        for (ScriptedReceiver receiver : List.of(watcher, plain)) {
            receiver.clear();
            receiver.respondByDefault(LocalReceiver.Response.status(200));
        }
    }

    @Test
    void aStreamOnAnotherReplicaSeesTheQuestionFromStartToEndAndTheWebhooksFollowInOrder() throws Exception {
        String id = known(EndpointTestSupport.post(agentSide, KEY, "[emulator:steps=5,over=10s] Watch me work"));
        List<EventStreamClient.Event> events;
        try (EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            events = stream.awaitEnd(Duration.ofSeconds(60));
            assertThat(events).extracting(EventStreamClient.Event::type).startsWith("query.started").endsWith("query.answered");
            assertThat(events).extracting(EventStreamClient.Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(events.get(0).data().path("tracking_id").asText()).isEqualTo(id);
            assertThat(events.get(0).data().path("data").path("attempt").asInt()).isEqualTo(1);
            assertThat(events.get(events.size() - 1).data().path("data").path("outcome").asText()).isEqualTo("answered");
            // five steps two seconds apart: each its own progress event unless a slow machine bunched them (then merged)
            assertThat(events.stream().filter(e -> e.type().equals("query.progress"))
                    .mapToInt(e -> e.data().path("data").path("steps").asInt()).sum()).isEqualTo(5);

            // resumed after the first event: only the later ones, then the end (the question is over)
            try (EventStreamClient resumed = EventStreamClient.open(agentSide.url("/webhook/" + id + "/events"), KEY, 1)) {
                List<EventStreamClient.Event> later = resumed.awaitEnd(Duration.ofSeconds(30));
                assertThat(later).extracting(EventStreamClient.Event::id).containsExactlyElementsOf(
                        events.stream().map(EventStreamClient.Event::id).filter(n -> n > 1).toList());
            }
        }

        // the endpoint that takes them gets the start, then the answer; the one without events the answer only
        List<LocalReceiver.Delivery> watched = deliveriesUntilFinal(watcher, id);
        assertThat(watched).extracting(d -> d.payload().path("type").asText()).startsWith("query.started").endsWith("query.answered");
        assertThat(watched).allMatch(d -> Boolean.TRUE.equals(d.signatureValid()));
        assertThat(watched.get(0).webhookId()).isEqualTo("evt_" + id + "_1_watcher");
        // the webhooks are the stream's events, in its order (the final one is the answer's delivery)
        assertThat(watched.subList(0, watched.size() - 1)).extracting(d -> d.payload().path("type").asText())
                .containsExactlyElementsOf(events.subList(0, events.size() - 1).stream().map(EventStreamClient.Event::type).toList());
        TrackingRouteTestSupport.awaitStatus(agentSide, id, "delivered");
        assertThat(deliveriesUntilFinal(plain, id)).extracting(d -> d.payload().path("type").asText()).containsExactly("query.answered");
    }

    @Test
    void theAgentsStepsArriveMergedAtMostOncePerIntervalNamingWhatItCalledNeverWithWhat() throws Exception {
        int steps = 10;
        String id = known(EndpointTestSupport.post(agentSide, KEY, "[emulator:steps=" + steps + ",over=1500] Show your steps"));
        List<EventStreamClient.Event> events;
        try (EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null)) {
            events = stream.awaitEnd(Duration.ofSeconds(60));
        }
        List<EventStreamClient.Event> progress = events.stream().filter(e -> e.type().equals("query.progress")).toList();
        // ten steps over 1.5 s, at most one event a second (PROGRESS_MIN_INTERVAL): merged, none lost from the count
        assertThat(progress.stream().mapToInt(e -> e.data().path("data").path("steps").asInt()).sum()).as("steps counted")
                .isEqualTo(steps);
        assertThat(progress).hasSizeLessThan(steps);
        assertThat(events).extracting(e -> e.data().path("data").path("kind").asText(null)).filteredOn(k -> k != null)
                .allMatch(k -> List.of("rationale", "action_group", "knowledge_base", "guardrail", "model", "other").contains(k));
        // the webhooks: the same events, signed, in order; none after the final one; the inputs' values nowhere
        List<LocalReceiver.Delivery> watched = deliveriesUntilFinal(watcher, id);
        assertThat(watched).extracting(d -> d.payload().path("type").asText())
                .containsExactlyElementsOf(events.stream().map(EventStreamClient.Event::type).toList());
        assertThat(watched).allMatch(d -> Boolean.TRUE.equals(d.signatureValid()));
        for (String body : watched.stream().map(d -> d.payload().toString()).toList()) {
            assertThat(body).doesNotContain(gateway.local.EmulatorTraces.ACTION_GROUP_VALUE)
                    .doesNotContain(gateway.local.EmulatorTraces.KNOWLEDGE_BASE_QUERY);
        }
        assertThat(events.toString()).doesNotContain(gateway.local.EmulatorTraces.ACTION_GROUP_VALUE)
                .doesNotContain(gateway.local.EmulatorTraces.KNOWLEDGE_BASE_QUERY);
    }

    @Test
    void anAnswerAskedToBeStreamedArrivesInPartsThatMakeTheAnswerAndOnlyInTheStream() throws Exception {
        ObjectNode question = CallersDeliveryTest.question("[emulator:steps=2,over=500] Stream it").put("stream_answer", true);
        String id = known(CallersDeliveryTest.accepted(agentSide.send(HttpRequest.newBuilder(agentSide.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(question))).build())));
        List<EventStreamClient.Event> events;
        try (EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null)) {
            events = stream.awaitEnd(Duration.ofSeconds(60));
        }
        String streamed = events.stream().filter(e -> e.type().equals("query.answer_part"))
                .map(e -> e.data().path("data").path("text").asText()).reduce("", String::concat);
        List<LocalReceiver.Delivery> watched = deliveriesUntilFinal(watcher, id);
        LocalReceiver.Delivery answer = watched.get(watched.size() - 1);
        assertThat(streamed).isNotEmpty().isEqualTo(answer.payload().path("ai_response").path("response").asText());
        assertThat(watched).extracting(d -> d.payload().path("type").asText()).doesNotContain("query.answer_part");
    }

    /** The webhooks a receiver got for one question, once its final one came (other tests' may be there too). */
    static List<LocalReceiver.Delivery> deliveriesUntilFinal(ScriptedReceiver receiver, String id) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> receiver.deliveries().stream().filter(d -> id.equals(d.trackingId())).toList(),
                list -> list.stream().anyMatch(d -> d.payload().path("type").asText().matches("query\\.(answered|failed|cancelled)")));
    }

    @Test
    void aFailedQuestionEndsItsStreamWithQueryFailed() throws Exception {
        String id = EndpointTestSupport.post(agentSide, KEY, "[emulator:validation] refused");
        TrackingRouteTestSupport.awaitStatus(agentSide, id, "delivered");
        try (EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null)) {
            List<EventStreamClient.Event> events = stream.awaitEnd(Duration.ofSeconds(30));
            EventStreamClient.Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("query.failed");
            assertThat(last.data().path("data").path("outcome").asText()).isEqualTo("failed");
            assertThat(last.data().path("data").path("error").path("code").asText()).isNotEmpty();
        }
    }

    @Test
    void aCancelledQuestionEndsItsStreamWithQueryCancelled() throws Exception {
        String id = known(EndpointTestSupport.post(agentSide, KEY, "[emulator:latency=20000] cancel me"));
        try (EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !stream.events().isEmpty());
            // cancelled on the replica that writes the record: the embedded S3 ignores conditional writes, so two
            // processes writing one record at once would overwrite each other (real S3 arbitrates them; see
            // S3RecordStore); the stream on the other replica must still end with it
            HttpResponse<String> cancel = agentSide.send(HttpRequest.newBuilder(agentSide.url("/webhook/" + id))
                    .header("Authorization", "Bearer " + KEY).DELETE().build());
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            List<EventStreamClient.Event> events = stream.awaitEnd(Duration.ofSeconds(30));
            assertThat(events.get(events.size() - 1).type()).isEqualTo("query.cancelled");
        }
    }

    @Test
    void manyOpenStreamsHoldNoThreadTheRestOfThePortStillAnswers() throws Exception {
        // more streams than platform-http has workers (20): each must open, and the port must still answer the rest
        int count = 32;
        String id = known(EndpointTestSupport.post(agentSide, KEY, "[emulator:latency=30000] many watchers"));
        List<EventStreamClient> streams = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                EventStreamClient stream = EventStreamClient.open(streamSide.url("/webhook/" + id + "/events"), KEY, null);
                streams.add(stream);
                assertThat(stream.status()).as("stream %d", i).isEqualTo(200);
            }
            assertThat(get("/webhook/" + id, KEY).statusCode()).as("the status while %d streams are open", count).isEqualTo(200);
            // cancelled on the replica that writes the record: the embedded S3 ignores conditional writes, so two
            // processes writing one record at once would overwrite each other (real S3 arbitrates them; see
            // S3RecordStore); the stream on the other replica must still end with it
            HttpResponse<String> cancel = agentSide.send(HttpRequest.newBuilder(agentSide.url("/webhook/" + id))
                    .header("Authorization", "Bearer " + KEY).DELETE().build());
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            for (EventStreamClient stream : streams) {
                List<EventStreamClient.Event> events = stream.awaitEnd(Duration.ofSeconds(30));
                assertThat(events.get(events.size() - 1).type()).isEqualTo("query.cancelled");
            }
        } finally {
            for (EventStreamClient stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void theStreamIsTheCallersOwnLikeItsStatus() throws Exception {
        String id = EndpointTestSupport.post(agentSide, KEY, "Whose is it?");
        assertThat(get("/webhook/" + id + "/events", null).statusCode()).isEqualTo(401);
        assertThat(get("/webhook/" + id + "/events", OTHER_KEY).statusCode()).as("another caller's question").isEqualTo(404);
        assertThat(get("/webhook/" + UUID.randomUUID() + "/events", KEY).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = get("/webhook/not-a-uuid/events", KEY);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(bad.body()).path("success").asBoolean(true)).isFalse();
        HttpResponse<String> post = streamSide.send(HttpRequest.newBuilder(streamSide.url("/webhook/" + id + "/events"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    }

    /** The question, once its record is written (the intake's 202 does not wait for it: a status 404s until then). */
    static String known(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/webhook/" + id, KEY).statusCode() == 200);
        return id;
    }

    static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(streamSide.url(path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return streamSide.send(request.build());
    }
}
