package gateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The question index's names: newest first as S3 sorts keys, the time bounds, the opaque cursor, what a write changes. */
class IndexKeysTest {

    static final String ID = "0b2f3f4e-6d0e-4c41-9a57-0f8f8d5f4a1e";
    static final String OTHER = "ffffffff-6d0e-4c41-9a57-0f8f8d5f4a1e";

    @Test
    void entriesSortNewestFirstAndKeepTheirMicrosecond() {
        Instant earlier = Instant.parse("2025-08-14T09:18:00.123456Z");
        Instant later = earlier.plusNanos(1_000);
        String a = IndexKeys.entry(earlier, ID);
        String b = IndexKeys.entry(later, ID);
        assertThat(a).matches("[0-9]{16}_" + ID);
        assertThat(b).isLessThan(a);
        List<String> names = new ArrayList<>(List.of(a, b, IndexKeys.entry(Instant.parse("2030-01-01T00:00:00Z"), OTHER)));
        names.sort(null);
        assertThat(names.get(0)).endsWith(OTHER);
        assertThat(IndexKeys.queuedAt(a)).isEqualTo(earlier);
        assertThat(IndexKeys.trackingId(a)).isEqualTo(ID);
        assertThat(IndexKeys.entry(earlier, ID.toUpperCase())).isEqualTo(a);
        assertThat(IndexKeys.queuedAt("0000000000000000_" + ID)).isEqualTo(IndexKeys.LATEST);
    }

    @Test
    void untilIsExclusiveAndSinceInclusive() {
        Instant at = Instant.parse("2025-08-14T09:18:00.123456Z");
        String entry = IndexKeys.entry(at, ID);
        // until = its own instant: the listing starts after it (exclusive)
        assertThat(entry).isLessThan(IndexKeys.startAfterUntil(at));
        // until a microsecond later: it is listed
        assertThat(entry).isGreaterThan(IndexKeys.startAfterUntil(at.plusNanos(1_000)));
        assertThat(IndexKeys.before(entry, at)).isFalse();
        assertThat(IndexKeys.before(entry, at.plusNanos(1_000))).isTrue();
        assertThat(IndexKeys.before(entry, at.minusSeconds(1))).isFalse();
    }

    @Test
    void cursorsAreOpaqueAndCheckedOnTheWayBack() {
        String entry = IndexKeys.entry(Instant.parse("2025-08-14T09:18:00Z"), ID);
        String cursor = IndexKeys.cursor(entry);
        assertThat(cursor).matches("[A-Za-z0-9_-]+").doesNotContain(ID);
        assertThat(IndexKeys.fromCursor(cursor)).hasValue(entry);
        assertThat(IndexKeys.fromCursor("garbage")).isEmpty();
        assertThat(IndexKeys.fromCursor("not base64 !")).isEmpty();
        assertThat(IndexKeys.fromCursor(IndexKeys.cursor("1234_" + ID))).isEmpty();
        assertThat(IndexKeys.fromCursor(java.util.Base64.getUrlEncoder().encodeToString(("c2." + entry).getBytes()))).isEmpty();
        assertThat(IndexKeys.fromCursor(null)).isEmpty();
    }

    @Test
    void callersAndSessionsAreHashedIntoTheirFolders() {
        assertThat(IndexKeys.caller("acme")).matches("[0-9a-f]{32}").isNotEqualTo(IndexKeys.caller("acme2"));
        assertThat(IndexKeys.caller(null)).isEqualTo("open");
        assertThat(IndexKeys.session("s-alpha")).matches("[0-9a-f]{32}").isNotEqualTo(IndexKeys.caller("s-alpha"));
        String entry = IndexKeys.entry(Instant.parse("2025-08-14T09:18:00Z"), ID);
        String folder = "pfx/" + IndexKeys.summaries(IndexKeys.caller("acme"));
        assertThat(IndexKeys.entryOf(folder + entry + ".json", folder)).isEqualTo(entry);
        assertThat(IndexKeys.entryOf(folder + "other.json", folder)).isNull();
        assertThat(IndexKeys.entryOf("elsewhere/" + entry, folder)).isNull();
    }

    @Test
    void aWriteUpdatesTheIndexOnlyWhenTheSummaryChanges() {
        ObjectNode record = Json.object().put("tracking_id", ID).put("caller", "acme").put("status", "queued")
                .put("queued_at", "2025-08-14T09:18:00.123456+00:00").put("updated_at", "2025-08-14T09:18:00.123456+00:00");
        record.putObject("request").put("query", "Which deals?").put("session_id", "s-alpha");
        QuestionIndex.place(record);
        String place = record.get(QuestionIndex.RECORD_FIELD).asText();
        assertThat(place).isEqualTo(IndexKeys.caller("acme") + "/" + IndexKeys.entry(Instant.parse("2025-08-14T09:18:00.123456Z"), ID));

        QuestionIndex.Update created = QuestionIndex.update(null, record);
        assertThat(created.summary().path("session_id").asText()).isEqualTo("s-alpha");
        assertThat(created.newSession()).isEqualTo("s-alpha");
        assertThat(created.summary().path("outcome").isNull()).isTrue();

        ObjectNode before = QuestionIndex.before(record);
        record.put("updated_at", "2025-08-14T09:19:00.000000+00:00");
        assertThat(QuestionIndex.update(before, record)).as("updated_at alone").isNull();
        record.put("status", "answered").put("outcome", "answered");
        QuestionIndex.Update answered = QuestionIndex.update(before, record);
        assertThat(answered.summary().path("status").asText()).isEqualTo("answered");
        assertThat(answered.newSession()).as("the session's marker is written once").isNull();
        // the entry never moves, whatever the record's times do later
        record.put("queued_at", "2025-08-14T09:00:00.000000+00:00");
        QuestionIndex.place(record);
        assertThat(record.get(QuestionIndex.RECORD_FIELD).asText()).isEqualTo(place);
        assertThat(QuestionIndex.before(Json.object().put("status", "queued"))).as("not placed yet").isNull();
    }

    @Test
    void theListItemCutsTheQuestion() {
        ObjectNode summary = Json.object().put("tracking_id", ID).put("question", "é".repeat(250));
        ObjectNode item = QuestionIndex.item(summary);
        assertThat(item.path("question").asText()).hasSize(200);
        assertThat(item.has("outcome")).isTrue();
        assertThat(item.get("outcome").isNull()).isTrue();
        assertThat(item.size()).isEqualTo(QuestionIndex.FIELDS.size() + 1);
        assertThat(item.get("deliveries").isArray()).as("a summary written before deliveries: none").isTrue();
    }
}
