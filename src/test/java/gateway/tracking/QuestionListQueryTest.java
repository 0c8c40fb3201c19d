package gateway.tracking;

import java.time.Instant;

import gateway.intake.IntakeRejection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The query string of {@code GET /webhook}, read from the raw query (what a client cannot send through java.net.URI). */
class QuestionListQueryTest {

    @Test
    void readsEveryParameterAndDefaultsTheLimit() {
        String entry = IndexKeys.entry(Instant.parse("2025-08-14T09:18:00Z"), IndexKeysTest.ID);
        QuestionListQuery query = QuestionListQuery.parse("outcome=open&status=processing&session_id=s-1&since=2025-08-14T00:00:00Z"
                + "&until=2025-08-15T00:00:00%2B02:00&q=Acme%20Corp&cursor=" + IndexKeys.cursor(entry) + "&other=1");
        assertThat(query.outcome()).isEqualTo("open");
        assertThat(query.status()).isEqualTo("processing");
        assertThat(query.sessionId()).isEqualTo("s-1");
        assertThat(query.since()).isEqualTo(Instant.parse("2025-08-14T00:00:00Z"));
        assertThat(query.until()).isEqualTo(Instant.parse("2025-08-14T22:00:00Z"));
        assertThat(query.q()).isEqualTo("acme corp");
        assertThat(query.limit()).isEqualTo(QuestionListQuery.DEFAULT_LIMIT);
        assertThat(query.after()).isEqualTo(entry);
        assertThat(query.readsSummaries()).isTrue();
        assertThat(QuestionListQuery.parse(null).readsSummaries()).isFalse();
        assertThat(QuestionListQuery.parse("session_id=s-1&limit=100").readsSummaries()).isFalse();
    }

    @Test
    void malformedEncodingAndOutOfRangeTimesAre400() {
        for (String raw : new String[] {"q=%zz", "q=%", "since=1969-12-31T23:59:59Z", "until=2300-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> QuestionListQuery.parse(raw)).as(raw).isInstanceOfSatisfying(IntakeRejection.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
