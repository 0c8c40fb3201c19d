package gateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.s3.S3Bucket;
import gateway.testing.EmbeddedS3;
import gateway.testing.S3CallLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The question index against the embedded S3: what a page costs (one ListObjectsV2 and a GET per question on it,
 * whatever else the index holds), its cursor, and a summary PUT out of turn that never replaces a later one.
 */
class QuestionIndexTest {

    static final String BUCKET = "gw-index";
    static final S3CallLog log = new S3CallLog();
    static EmbeddedS3 embedded;
    static ExecutorService readers;
    static QuestionIndex index;

    @BeforeAll
    static void start() {
        embedded = EmbeddedS3.start(BUCKET, log);
        readers = Executors.newFixedThreadPool(QuestionIndex.PARALLEL_READS);
        index = new QuestionIndex(new S3Bucket(embedded.client(), BUCKET, "gw/", false), readers, 200, null);
    }

    @AfterAll
    static void stop() {
        readers.shutdownNow();
        embedded.close();
    }

    @Test
    void aPageIsOneListAndAGetPerQuestionOnIt() {
        Instant start = Instant.parse("2025-08-14T09:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ObjectNode record = record("page-caller", start.plusSeconds(i), "queued");
            index.write(QuestionIndex.update(null, record));
            ids.add(0, record.get("tracking_id").asText()); // newest first
        }
        index.write(QuestionIndex.update(null, record("someone-else", start.plusSeconds(100), "queued")));

        log.clear();
        ObjectNode first = index.page(QuestionListQuery.parse("limit=20"), "page-caller");
        assertThat(log.calls()).as("one page: 1 LIST + 20 GETs").hasSize(21);
        assertThat(log.calls().stream().filter("ListObjectsV2"::equals)).hasSize(1);
        assertThat(log.calls().stream().filter("GetObject"::equals)).hasSize(20);
        assertThat(ids(first)).isEqualTo(ids.subList(0, 20));

        log.clear();
        ObjectNode second = index.page(QuestionListQuery.parse("limit=20&cursor=" + first.get("next_cursor").asText()), "page-caller");
        assertThat(ids(second)).isEqualTo(ids.subList(20, 30));
        assertThat(second.get("next_cursor").isNull()).isTrue();
        assertThat(log.calls()).as("the last page: 1 LIST + 10 GETs").hasSize(11);
    }

    @Test
    void anOlderSummaryPutOutOfTurnDoesNotReplaceALaterOne() throws Exception {
        ObjectNode record = record("turn-caller", Instant.parse("2025-08-14T09:00:00Z"), "processing");
        record.put("updated_at", "2025-08-14T09:00:01.000000+00:00");
        QuestionIndex.Update older = QuestionIndex.update(null, record);
        ObjectNode later = record.deepCopy().put("status", "answered").put("outcome", "answered")
                .put("updated_at", "2025-08-14T09:00:02.000000+00:00");
        QuestionIndex.Update newer = QuestionIndex.update(QuestionIndex.before(record), later);

        index.write(newer);
        index.write(older);

        JsonNode item = index.page(QuestionListQuery.parse(""), "turn-caller").get("questions").get(0);
        assertThat(item.get("status").asText()).isEqualTo("answered");
        assertThat(item.get("outcome").asText()).isEqualTo("answered");
    }

    @Test
    void aQuestionIsPlacedOnlyOnceItsRecordSaysWhoseItIs() {
        // a later stage's change reaching the record first (no request, no caller yet): not placed, no PUT
        ObjectNode record = Json.object().put("tracking_id", UUID.randomUUID().toString()).put("status", "answered")
                .put("created_at", "2025-08-14T09:00:05.000000+00:00").put("updated_at", "2025-08-14T09:00:05.000000+00:00");
        QuestionIndex.place(record);
        assertThat(record.has(QuestionIndex.RECORD_FIELD)).isFalse();
        assertThat(QuestionIndex.update(null, record)).isNull();

        // then the intake's change: placed under its caller, at its queued time, and listed there
        ObjectNode before = QuestionIndex.before(record);
        record.put("caller", "late-caller").put("queued_at", "2025-08-14T09:00:00.000000+00:00");
        record.putObject("request").put("query", "placed late").put("source_system", "crm");
        QuestionIndex.place(record);
        assertThat(record.get(QuestionIndex.RECORD_FIELD).asText())
                .isEqualTo(IndexKeys.caller("late-caller") + "/" + IndexKeys.entry(Instant.parse("2025-08-14T09:00:00Z"),
                        record.get("tracking_id").asText()));
        index.write(QuestionIndex.update(before, record));
        assertThat(ids(index.page(QuestionListQuery.parse(""), "late-caller"))).containsExactly(record.get("tracking_id").asText());
    }

    static ObjectNode record(String caller, Instant queuedAt, String status) {
        String at = Timestamps.format(queuedAt);
        ObjectNode record = Json.object().put("tracking_id", UUID.randomUUID().toString()).put("caller", caller)
                .put("status", status).put("queued_at", at).put("created_at", at).put("updated_at", at);
        record.putObject("request").put("query", "a question").put("source_system", "crm");
        QuestionIndex.place(record);
        return record;
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("questions").forEach(q -> ids.add(q.get("tracking_id").asText()));
        return ids;
    }
}
