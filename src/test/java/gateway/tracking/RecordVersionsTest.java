package gateway.tracking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache of last record versions (Caffeine): bounded by entries and by characters; at these sizes the least recently used goes first. */
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
        // ten entries: in a cache of two, Caffeine's admission turns the newcomer away instead (see RecordVersions)
        RecordVersions versions = new RecordVersions(10, 10_000);
        for (int i = 0; i < 10; i++) {
            versions.remember("k" + i, "{}", "e" + i);
        }
        versions.get("k0"); // k0 is now more recent than k1
        versions.remember("new", "{}", "en");

        assertThat(versions.get("k1")).isEmpty();
        assertThat(versions.get("k0")).isPresent();
        assertThat(versions.get("new")).isPresent();
        assertThat(versions.size()).isEqualTo(10);
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
