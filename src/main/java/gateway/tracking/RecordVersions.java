package gateway.tracking;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * The last version of each tracking record this process read or wrote (object key → JSON and ETag), so
 * that the next stage's write can start from it instead of reading the record from S3 again.
 *
 * <p>Bounded twice: by entries, and by the characters of JSON held, because one record can carry a
 * 20 000-character query three times and a 96 KB answer twice; the least recently used entry goes first.
 * {@code maxEntries} 0 turns it off. Entries keep the JSON text, never a live {@link ObjectNode}: every
 * {@link #get} parses a fresh copy, so a caller that changes its record cannot change the cached one.
 * Thread-safe.
 */
public class RecordVersions {

    private record Version(String json, String etag) {
    }

    private final int maxEntries;
    private final long maxChars;
    private final LinkedHashMap<String, Version> versions = new LinkedHashMap<>(16, 0.75f, true);
    private long chars;

    public RecordVersions(int maxEntries, long maxChars) {
        this.maxEntries = Math.max(0, maxEntries);
        this.maxChars = Math.max(0, maxChars);
    }

    public boolean enabled() {
        return maxEntries > 0 && maxChars > 0;
    }

    /** The record last seen at {@code key} (a copy of its own) and its ETag, if it is still held. */
    public Optional<S3RecordStore.Stored> get(String key) {
        Version version;
        synchronized (this) {
            version = versions.get(key);
        }
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
    public synchronized void remember(String key, String json, String etag) {
        if (!enabled() || json.length() > maxChars) {
            forget(key);
            return;
        }
        Version old = versions.put(key, new Version(json, etag));
        chars += json.length() - (old == null ? 0 : old.json().length());
        Iterator<Map.Entry<String, Version>> oldest = versions.entrySet().iterator();
        while (versions.size() > maxEntries || chars > maxChars) {
            chars -= oldest.next().getValue().json().length();
            oldest.remove();
        }
    }

    public synchronized void forget(String key) {
        Version old = versions.remove(key);
        if (old != null) {
            chars -= old.json().length();
        }
    }

    /** Forgets {@code key} only if it is still held with {@code etag}: a newer version stays. */
    public synchronized void forget(String key, String etag) {
        Version held = versions.get(key);
        if (held != null && (etag == null || etag.equals(held.etag()))) {
            forget(key);
        }
    }

    synchronized int size() {
        return versions.size();
    }
}
