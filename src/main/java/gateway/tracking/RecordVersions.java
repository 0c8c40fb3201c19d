package gateway.tracking;

import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import gateway.json.Json;

/**
 * The last version of each tracking record this process read or wrote (object key → JSON and ETag), so
 * that the next stage's write can start from it instead of reading the record from S3 again. A Caffeine
 * cache.
 *
 * <p>Bounded twice: by entries and by the characters of JSON held, because one record can carry a
 * 20 000-character query three times and a 96 KB answer twice. Caffeine takes one bound, a weight: each
 * entry weighs its characters but at least {@code maxChars / maxEntries}, so the weights stay within
 * {@code maxChars} only while the entries stay within {@code maxEntries} and their characters within
 * {@code maxChars}. What goes first is Caffeine's choice (the least likely to be used again, by recency and
 * frequency), no longer strictly the least recently used. A record larger than the whole budget is not held.
 * {@code maxEntries} 0 turns it off. Entries keep the JSON text, never a live {@link ObjectNode}: every
 * {@link #get} parses a fresh copy, so a caller that changes its record cannot change the cached one.
 * Thread-safe.
 */
public class RecordVersions {

    private record Version(String json, String etag) {
    }

    private final long maxChars;
    private final Cache<String, Version> versions;

    public RecordVersions(int maxEntries, long maxChars) {
        this.maxChars = maxEntries > 0 ? Math.max(0, maxChars) : 0;
        long floor = this.maxChars == 0 ? 1 : Math.max(1, this.maxChars / maxEntries);
        this.versions = Caffeine.newBuilder()
                .maximumWeight(this.maxChars)
                .weigher((String key, Version v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, v.json().length())))
                // evict in the caller's thread: the bounds hold when remember returns
                .executor(Runnable::run)
                .build();
    }

    public boolean enabled() {
        return maxChars > 0;
    }

    /** The record last seen at {@code key} (a copy of its own) and its ETag, if it is still held. */
    public Optional<S3RecordStore.Stored> get(String key) {
        Version version = versions.getIfPresent(key);
        if (version == null) {
            return Optional.empty();
        }
        try {
            JsonNode json = Json.MAPPER.readTree(version.json());
            return Optional.of(new S3RecordStore.Stored((ObjectNode) json, version.etag()));
        } catch (JacksonException e) {
            // cannot happen (the text was written from, or read as, a JSON object): behave as a miss
            forget(key);
            return Optional.empty();
        }
    }

    /** Holds {@code json} (the record as written to or read from S3) as the current version of {@code key}. */
    public void remember(String key, String json, String etag) {
        if (!enabled() || json.length() > maxChars) {
            forget(key);
            return;
        }
        versions.put(key, new Version(json, etag));
    }

    public void forget(String key) {
        versions.invalidate(key);
    }

    /** Forgets {@code key} only if it is still held with {@code etag}: a newer version stays. */
    public void forget(String key, String etag) {
        versions.asMap().computeIfPresent(key, (k, held) -> etag == null || etag.equals(held.etag()) ? null : held);
    }

    long size() {
        versions.cleanUp();
        return versions.estimatedSize();
    }
}
