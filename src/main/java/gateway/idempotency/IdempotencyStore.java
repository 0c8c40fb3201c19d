package gateway.idempotency;

import java.util.Optional;

/**
 * Where idempotency keys live, shared by every replica. The primitives are compare-and-set: exactly one
 * of several concurrent {@link #create} (or {@link #replace} of the same version) calls succeeds. Every
 * method throws {@link IdempotencyStoreUnavailable} when the store cannot be reached.
 */
public interface IdempotencyStore {

    /** A stored record and its version (the S3 ETag). */
    record Stored(IdempotencyRecord record, String version) {
    }

    /** Stores the record if nothing is stored under {@code key}; false when something already is. */
    boolean create(String key, IdempotencyRecord record);

    /** Replaces the stored record if it is still at {@code version}; false when it changed or vanished. */
    boolean replace(String key, String version, IdempotencyRecord record);

    /** Overwrites unconditionally (the claimant marking its own claim queued). */
    void put(String key, IdempotencyRecord record);

    Optional<Stored> read(String key);

    void delete(String key);
}
