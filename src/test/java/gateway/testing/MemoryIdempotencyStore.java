package gateway.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import gateway.idempotency.IdempotencyRecord;
import gateway.idempotency.IdempotencyStore;
import gateway.idempotency.IdempotencyStoreUnavailable;

/** Compare-and-set semantics of S3 conditional writes, in memory: an {@link IdempotencyStore} for unit tests. */
public final class MemoryIdempotencyStore implements IdempotencyStore {
    public final Map<String, Stored> objects = new ConcurrentHashMap<>();
    public final AtomicInteger seq = new AtomicInteger();
    public volatile boolean down;

    private void check() {
        if (down) {
            throw new IdempotencyStoreUnavailable("down", null);
        }
    }

    private Stored version(IdempotencyRecord record) {
        return new Stored(record, "v" + seq.incrementAndGet());
    }

    @Override
    public boolean create(String key, IdempotencyRecord record) {
        check();
        return objects.putIfAbsent(key, version(record)) == null;
    }

    @Override
    public boolean replace(String key, String version, IdempotencyRecord record) {
        check();
        Stored current = objects.get(key);
        return current != null && current.version().equals(version) && objects.replace(key, current, version(record));
    }

    @Override
    public void put(String key, IdempotencyRecord record) {
        check();
        objects.put(key, version(record));
    }

    @Override
    public Optional<Stored> read(String key) {
        check();
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public void delete(String key) {
        check();
        objects.remove(key);
    }
}
