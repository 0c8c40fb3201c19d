package gateway.tracking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache of last record versions: bounded by entries and by characters, least recently used out first. */
class RecordVersionsTest {

    @Test
    void handsOutACopyThatCannotChangeTheCachedVersion() {
        RecordVersions versions = new RecordVersions(10, 10_000);
        versions.remember("k", "{\"status\":\"queued\"}", "\"e1\"");

        S3RecordStore.Stored first = versions.get("k").orElseThrow();
        first.record().put("status", "delivered");

        S3RecordStore.Stored second = versions.get("k").orElseThrow();
        assertThat(second.record().get("status").asText()).isEqualTo("queued");
        assertThat(second.etag()).isEqualTo("\"e1\"");
        assertThat(second.record()).isNotSameAs(first.record());
    }

    @Test
    void theLeastRecentlyUsedEntryGoesWhenTheEntriesAreFull() {
        RecordVersions versions = new RecordVersions(2, 10_000);
        versions.remember("a", "{}", "ea");
        versions.remember("b", "{}", "eb");
        versions.get("a"); // a is now more recent than b
        versions.remember("c", "{}", "ec");

        assertThat(versions.get("b")).isEmpty();
        assertThat(versions.get("a")).isPresent();
        assertThat(versions.get("c")).isPresent();
        assertThat(versions.size()).isEqualTo(2);
    }

    @Test
    void theCharacterBudgetEvictsTooAndATooLargeRecordIsNotHeld() {
        String tenChars = "{\"x\":\"12\"}";
        RecordVersions versions = new RecordVersions(100, 25);
        versions.remember("a", tenChars, "ea");
        versions.remember("b", tenChars, "eb");
        versions.remember("c", tenChars, "ec"); // 30 chars > 25: a goes
        assertThat(versions.get("a")).isEmpty();
        assertThat(versions.get("b")).isPresent();
        assertThat(versions.get("c")).isPresent();

        versions.remember("b", "{\"x\":\"" + "y".repeat(30) + "\"}", "eb2");
        assertThat(versions.get("b")).as("larger than the whole budget: not held, nor its older version").isEmpty();
        assertThat(versions.get("c")).isPresent();
    }

    @Test
    void sizeZeroHoldsNothing() {
        RecordVersions versions = new RecordVersions(0, 10_000);
        versions.remember("a", "{}", "ea");
        assertThat(versions.enabled()).isFalse();
        assertThat(versions.get("a")).isEmpty();
    }

    @Test
    void forgettingAnOutdatedEtagKeepsTheNewerVersion() {
        RecordVersions versions = new RecordVersions(10, 10_000);
        versions.remember("k", "{}", "e2");
        versions.forget("k", "e1");
        assertThat(versions.get("k")).isPresent();
        versions.forget("k", "e2");
        assertThat(versions.get("k")).isEmpty();
    }
}
