package routes;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /webhook} on the real app: two callers' questions (answered, failed, cancelled), each caller sees only its
 * own, newest first; every filter; pages joined by their cursors without a gap or a repeat; the bound on the summaries
 * one filtered request reads ({@code QUESTION_LIST_MAX_EXAMINED}, 3 here) continued by the cursor; 400 for bad values,
 * 401 without a key; the index following a question from open to answered and to cancelled; each question's deliveries
 * in its list item (two endpoints of a callers file's caller, one delivered and one dead-lettered) and the
 * {@code endpoint} filter on them.
 */
class QuestionListRouteTest {

    static final String ALICE = "alice-key-0123456789";
    static final String BOB = "bob-key-0123456789";
    static final String CAROL = "carol-key-0123456789";

    static ReceiverAndApp flow;
    static GatewayTestApp app;
    /** Alice's questions in the order she asked them: deals, refused, acme, cancelled, tickets. */
    static List<String> alice = new ArrayList<>();
    static List<String> bob = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        flow = ReceiverAndApp.start(Map.of("gateway.api-keys.secret", "alice:" + ALICE + ",bob:" + BOB + ",carol:" + CAROL,
                "gateway.list.max-examined", "3", "gateway.cancel.poll-ms", "200"));
        app = flow.app();
        alice.add(ask(ALICE, "Which deals close this quarter?", "s-alpha"));
        alice.add(ask(ALICE, "[emulator:validation] A question the agent refuses", null));
        alice.add(ask(ALICE, "What is the pipeline for Acme Corp?", "s-alpha"));
        alice.add(ask(ALICE, "[emulator:latency=60000] A long question, cancelled", null));
        alice.add(ask(ALICE, "How many open tickets? " + "x".repeat(300), null));
        bob.add(ask(BOB, "Bob asks about ACME too", null));
        bob.add(ask(BOB, "Bob's second question", "s-alpha"));
        TrackingRouteTestSupport.awaitStatus(app, alice.get(3), "processing");
        assertThat(cancel(ALICE, alice.get(3)).statusCode()).isEqualTo(202);
        for (String id : List.of(alice.get(0), alice.get(1), alice.get(2), alice.get(4), bob.get(0), bob.get(1))) {
            TrackingRouteTestSupport.awaitStatus(app, id, "delivered");
        }
        TrackingRouteTestSupport.awaitStatus(app, alice.get(3), "cancelled");
    }

    @AfterAll
    static void stop() {
        flow.close();
    }

    @Test
    void eachCallerSeesItsOwnQuestionsNewestFirst() throws Exception {
        JsonNode page = list(ALICE, "");
        assertThat(page.path("success").asBoolean()).isTrue();
        assertThat(ids(page)).containsExactly(alice.get(4), alice.get(3), alice.get(2), alice.get(1), alice.get(0));
        assertThat(page.get("next_cursor").isNull()).isTrue();
        assertThat(ids(list(BOB, ""))).containsExactly(bob.get(1), bob.get(0));

        JsonNode newest = page.path("questions").get(0);
        assertThat(newest.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("tracking_id", "queued_at",
                "status", "outcome", "session_id", "source_system", "source_process", "question", "updated_at", "deliveries");
        // the gateway's WEBHOOK_URL: the "default" target
        assertThat(newest.path("deliveries")).hasSize(1);
        assertThat(newest.path("deliveries").get(0).path("target").asText()).isEqualTo("default");
        assertThat(newest.path("deliveries").get(0).path("endpoint").asText()).isEqualTo("default");
        assertThat(newest.path("deliveries").get(0).path("status").asText()).isEqualTo("delivered");
        assertThat(newest.path("status").asText()).isEqualTo("delivered");
        assertThat(newest.path("outcome").asText()).isEqualTo("answered");
        assertThat(newest.path("source_system").asText()).isEqualTo("crm");
        assertThat(newest.path("source_process").asText()).isEqualTo("per_caller_test");
        assertThat(newest.path("question").asText()).hasSize(200).startsWith("How many open tickets? xxx");
        JsonNode first = page.path("questions").get(4);
        assertThat(first.path("session_id").asText()).isEqualTo("s-alpha");
        assertThat(first.path("question").asText()).isEqualTo("Which deals close this quarter?");
        JsonNode status = Json.MAPPER.readTree(app.send(get("/webhook/" + alice.get(0), ALICE)).body());
        assertThat(first.path("queued_at").asText()).isEqualTo(status.path("queued_at").asText());
        assertThat(first.path("status").asText()).isEqualTo(status.path("status").asText());
    }

    @Test
    void filtersOnOutcomeStatusSessionTextAndTime() throws Exception {
        assertThat(all(ALICE, "outcome=answered")).containsExactly(alice.get(4), alice.get(2), alice.get(0));
        assertThat(all(ALICE, "outcome=failed")).containsExactly(alice.get(1));
        assertThat(all(ALICE, "outcome=cancelled")).containsExactly(alice.get(3));
        assertThat(all(ALICE, "outcome=open")).isEmpty();
        assertThat(all(ALICE, "status=delivered")).containsExactly(alice.get(4), alice.get(2), alice.get(1), alice.get(0));
        assertThat(all(ALICE, "status=cancelled")).containsExactly(alice.get(3));
        assertThat(all(ALICE, "status=cancelled&outcome=answered")).isEmpty();
        assertThat(all(ALICE, "session_id=s-alpha")).containsExactly(alice.get(2), alice.get(0));
        assertThat(all(BOB, "session_id=s-alpha")).containsExactly(bob.get(1));
        // case-insensitive, and only the caller's own: Bob's question says ACME too
        assertThat(all(ALICE, "q=ACME")).containsExactly(alice.get(2));
        assertThat(all(ALICE, "q=" + enc("acme corp"))).containsExactly(alice.get(2));
        assertThat(all(BOB, "q=acme")).containsExactly(bob.get(0));
        assertThat(all(ALICE, "q=nowhere")).isEmpty();

        String middle = queuedAt(alice.get(2));
        assertThat(all(ALICE, "since=" + enc(middle))).containsExactly(alice.get(4), alice.get(3), alice.get(2));
        assertThat(all(ALICE, "until=" + enc(middle))).containsExactly(alice.get(1), alice.get(0));
        assertThat(all(ALICE, "since=" + enc(queuedAt(alice.get(1))) + "&until=" + enc(queuedAt(alice.get(4)))))
                .containsExactly(alice.get(3), alice.get(2), alice.get(1));
        assertThat(all(ALICE, "since=" + enc(queuedAt(alice.get(1))) + "&session_id=s-alpha")).containsExactly(alice.get(2));
        assertThat(all(ALICE, "since=2200-01-01T00:00:00Z")).isEmpty();
        // a parameter it does not know is ignored, as by the status lookup; a header is no parameter
        assertThat(ids(list(ALICE, "foo=bar"))).hasSize(5);
        HttpResponse<String> withHeader = app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Authorization", "Bearer " + ALICE)
                .header("status", "cancelled").GET().build());
        assertThat(ids(Json.MAPPER.readTree(withHeader.body()))).hasSize(5);
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeats() throws Exception {
        JsonNode first = list(ALICE, "limit=2");
        assertThat(ids(first)).containsExactly(alice.get(4), alice.get(3));
        String cursor = first.path("next_cursor").asText();
        assertThat(cursor).isNotEmpty().doesNotContain(alice.get(3));
        JsonNode second = list(ALICE, "limit=2&cursor=" + cursor);
        assertThat(ids(second)).containsExactly(alice.get(2), alice.get(1));
        JsonNode third = list(ALICE, "limit=2&cursor=" + second.path("next_cursor").asText());
        assertThat(ids(third)).containsExactly(alice.get(0));
        assertThat(third.get("next_cursor").isNull()).isTrue();
        // a page that ends exactly at the last question says so
        assertThat(list(ALICE, "limit=5").get("next_cursor").isNull()).isTrue();
        assertThat(list(ALICE, "limit=4").get("next_cursor").isTextual()).isTrue();
        // each page size joins into the whole list
        for (int limit = 1; limit <= 5; limit++) {
            assertThat(all(ALICE, "limit=" + limit)).as("limit " + limit).containsExactly(alice.get(4), alice.get(3),
                    alice.get(2), alice.get(1), alice.get(0));
        }
        // the filtered pages read at most 3 summaries each (QUESTION_LIST_MAX_EXAMINED): the oldest question's match
        // comes after a page with none and a cursor
        JsonNode bounded = list(ALICE, "q=deals");
        assertThat(ids(bounded)).isEmpty();
        assertThat(bounded.get("next_cursor").isTextual()).isTrue();
        JsonNode rest = list(ALICE, "q=deals&cursor=" + bounded.path("next_cursor").asText());
        assertThat(ids(rest)).containsExactly(alice.get(0));
        assertThat(rest.get("next_cursor").isNull()).isTrue();
        // another caller's cursor is only a point in time: Bob's questions (all asked after it) are newer, Alice's never show
        assertThat(ids(list(BOB, "cursor=" + cursor))).isEmpty();
        assertThat(ids(list(BOB, "until=" + enc(queuedAt(alice.get(4)))))).isEmpty();
    }

    @Test
    void badValuesAre400AndAKeyIsNeeded() throws Exception {
        for (String query : List.of("outcome=maybe", "status=done", "status=DELIVERED", "limit=0", "limit=101", "limit=abc",
                "limit=", "since=yesterday", "until=2025-08-14", "since=2025-08-14T10:00:00Z&until=2025-08-14T09:00:00Z",
                "cursor=garbage", "endpoint=", "endpoint=CRM", "endpoint=" + enc("a b"), "endpoint=" + "e".repeat(33), "cursor=" + enc(alice.get(0)), "session_id=a", "session_id=" + enc("a b"), "q=",
                "q=" + "y".repeat(201), "limit=1&limit=2")) {
            HttpResponse<String> response = app.send(get("/webhook?" + query, ALICE));
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode error = Json.MAPPER.readTree(response.body());
            assertThat(error.path("success").asBoolean()).isFalse();
            assertThat(error.path("error").asText()).as(query).startsWith("Invalid").doesNotContain("Exception");
        }
        assertThat(Json.MAPPER.readTree(app.send(get("/webhook?limit=1&limit=2", ALICE)).body()).path("error").asText())
                .isEqualTo("Invalid query: parameter 'limit' is given more than once");
        HttpResponse<String> anonymous = app.send(HttpRequest.newBuilder(app.url("/webhook")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(app.send(get("/webhook", "not-a-key-0123456789")).statusCode()).isEqualTo(401);
        HttpResponse<String> put = app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Authorization", "Bearer " + ALICE)
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST, OPTIONS");
    }

    @Test
    void theIndexFollowsAQuestionToItsAnswerAndItsCancellation() throws Exception {
        String slow = ask(CAROL, "[emulator:latency=3000] Carol's question, answered", null);
        String cancelled = ask(CAROL, "[emulator:latency=60000] Carol's question, cancelled", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> all(CAROL, "outcome=open").containsAll(List.of(slow, cancelled)));
        assertThat(all(CAROL, "outcome=answered")).isEmpty();

        await().atMost(Duration.ofSeconds(30)).until(() -> all(CAROL, "outcome=answered").equals(List.of(slow)));
        assertThat(all(CAROL, "outcome=open")).containsExactly(cancelled);

        TrackingRouteTestSupport.awaitStatus(app, cancelled, "processing");
        assertThat(cancel(CAROL, cancelled).statusCode()).isEqualTo(202);
        // the cancel is written (and so indexed) before its 202
        assertThat(all(CAROL, "outcome=cancelled")).containsExactly(cancelled);
        assertThat(all(CAROL, "status=cancelled")).containsExactly(cancelled);
        assertThat(all(CAROL, "outcome=open")).isEmpty();
        assertThat(all(CAROL, "")).containsExactly(cancelled, slow);
    }

    @Test
    void eachQuestionShowsItsDeliveriesAndTheEndpointFilterFindsThem() throws Exception {
        CallersTestbed bed = CallersTestbed.withReceivers("answers", "audit");
        try {
            bed.receiver("answers").respondByDefault(gateway.local.LocalReceiver.Response.status(200));
            // 400: a permanent failure, dead-lettered at its first attempt
            bed.receiver("audit").respondByDefault(gateway.local.LocalReceiver.Response.status(400));
            GatewayTestApp callersApp = bed.start("""
                    callers:
                      - name: acme
                        api_keys: ["%s"]
                        signing_secrets: ["%s"]
                        webhooks:
                          - name: answers
                            url: %sanswers?token=secret-in-query
                          - name: audit
                            url: %saudit
                    """.formatted(ALICE, "whsec_" + "d".repeat(32), bed.receiver("answers").url(), bed.receiver("audit").url()),
                    Map.of("gateway.list.max-examined", "3")).app();
            String both = CallersDeliveryTest.accepted(callersApp.send(HttpRequest.newBuilder(callersApp.url("/webhook"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + ALICE)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question("To both endpoints"))))
                    .build()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode item = listOn(callersApp, "").path("questions").path(0);
                return item.path("status").asText().equals("dead_lettered")
                        && item.path("deliveries").findValuesAsText("status").containsAll(List.of("delivered", "dead_lettered"));
            });
            JsonNode item = listOn(callersApp, "").path("questions").get(0);
            assertThat(item.path("tracking_id").asText()).isEqualTo(both);
            JsonNode deliveries = item.path("deliveries");
            assertThat(deliveries).hasSize(2);
            JsonNode answers = delivery(deliveries, "answers");
            assertThat(answers.properties()).extracting(Map.Entry::getKey)
                    .containsExactly("target", "endpoint", "status", "http_status", "at");
            assertThat(answers.path("target").asText()).isEqualTo("acme/answers");
            assertThat(answers.path("status").asText()).isEqualTo("delivered");
            assertThat(answers.path("http_status").asInt()).isEqualTo(200);
            JsonNode audit = delivery(deliveries, "audit");
            assertThat(audit.path("target").asText()).isEqualTo("acme/audit");
            assertThat(audit.path("status").asText()).isEqualTo("dead_lettered");
            assertThat(audit.path("http_status").asInt()).isEqualTo(400);
            // the last attempt's time, as the status lookup's attempt log has it; never a URL
            JsonNode status = Json.MAPPER.readTree(callersApp.send(HttpRequest.newBuilder(callersApp.url("/webhook/" + both))
                    .header("Authorization", "Bearer " + ALICE).GET().build()).body());
            for (JsonNode shown : status.path("deliveries")) {
                JsonNode attempts = shown.path("attempts");
                String endpoint = shown.path("target").asText().replace("acme/", "");
                assertThat(delivery(deliveries, endpoint).path("at").asText())
                        .isEqualTo(attempts.get(attempts.size() - 1).path("at").asText());
            }
            assertThat(Json.write(item)).doesNotContain("http://").doesNotContain("secret-in-query");

            // the endpoint filter, on the summaries (bounded like the others: QUESTION_LIST_MAX_EXAMINED)
            String other = CallersDeliveryTest.accepted(callersApp.send(HttpRequest.newBuilder(callersApp.url("/webhook"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + ALICE)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(CallersDeliveryTest.question("[emulator:latency=60000] Still open"))))
                    .build()));
            await().atMost(Duration.ofSeconds(30)).until(() -> listOn(callersApp, "").path("questions").size() == 2);
            JsonNode filtered = listOn(callersApp, "endpoint=audit&limit=5");
            assertThat(ids(filtered)).containsExactly(both);
            assertThat(ids(listOn(callersApp, "endpoint=answers"))).containsExactly(both);
            assertThat(ids(listOn(callersApp, "endpoint=billing"))).isEmpty();
            assertThat(ids(listOn(callersApp, ""))).containsExactly(other, both);
            assertThat(listOn(callersApp, "").path("questions").get(0).path("deliveries")).as("no delivery yet").isEmpty();
            HttpResponse<String> bad = callersApp.send(HttpRequest.newBuilder(callersApp.url("/webhook?endpoint=" + enc("../x")))
                    .header("Authorization", "Bearer " + ALICE).GET().build());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(bad.body()).path("error").asText()).startsWith("Invalid endpoint");
        } finally {
            bed.close();
        }
    }

    // --- helpers ---

    static JsonNode listOn(GatewayTestApp on, String query) throws Exception {
        HttpResponse<String> response = on.send(HttpRequest.newBuilder(on.url("/webhook" + (query.isEmpty() ? "" : "?" + query)))
                .header("Authorization", "Bearer " + ALICE).GET().build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    static JsonNode delivery(JsonNode deliveries, String endpoint) {
        for (JsonNode delivery : deliveries) {
            if (endpoint.equals(delivery.path("endpoint").asText())) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery to " + endpoint + " in " + deliveries);
    }

    static String ask(String key, String query, String sessionId) throws Exception {
        ObjectNode body = CallersDeliveryTest.question(query);
        if (sessionId != null) {
            body.put("session_id", sessionId);
        }
        return CallersDeliveryTest.accepted(app.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build()));
    }

    static HttpResponse<String> cancel(String key, String id) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook/" + id)).header("Authorization", "Bearer " + key).DELETE().build());
    }

    static HttpRequest get(String path, String key) {
        return HttpRequest.newBuilder(app.url(path)).header("Authorization", "Bearer " + key).GET().build();
    }

    static JsonNode list(String key, String query) throws Exception {
        HttpResponse<String> response = app.send(get("/webhook" + (query.isEmpty() ? "" : "?" + query), key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return Json.MAPPER.readTree(response.body());
    }

    /** Every page of the query, followed by its cursors: the ids in order (no id twice). */
    static List<String> all(String key, String query) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 50; pages++) {
            String q = cursor == null ? query : (query.isEmpty() ? "" : query + "&") + "cursor=" + cursor;
            JsonNode page = list(key, q);
            ids.addAll(ids(page));
            if (page.get("next_cursor").isNull()) {
                assertThat(new HashSet<>(ids)).as("no question twice").hasSameSizeAs(ids);
                return ids;
            }
            cursor = page.get("next_cursor").asText();
        }
        throw new AssertionError("no last page after 50");
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("questions").forEach(q -> ids.add(q.path("tracking_id").asText()));
        return ids;
    }

    static String queuedAt(String id) throws Exception {
        return Json.MAPPER.readTree(app.send(get("/webhook/" + id, ALICE)).body()).path("queued_at").asText();
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
