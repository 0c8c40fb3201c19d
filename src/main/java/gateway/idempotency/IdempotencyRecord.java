package gateway.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;

/**
 * What the store keeps for one idempotency key: a SHA-256 of the request body, the tracking id and
 * queued_at the first request was given, and whether it is on the queue yet ({@code pending} from the
 * claim until the queue write, then {@code queued}). Stored as a small JSON object.
 */
public record IdempotencyRecord(String bodySha256, String trackingId, String queuedAt, boolean queued) {

    public IdempotencyRecord queuedNow() {
        return new IdempotencyRecord(bodySha256, trackingId, queuedAt, true);
    }

    /** Older than the TTL (24 h): the key may be used afresh. */
    public boolean expired(Instant now, Duration ttl) {
        return queuedInstant().plus(ttl).isBefore(now);
    }

    /** Claimed but never marked queued within {@code timeout}: the claimant died or lost its store; the key is free. */
    public boolean abandoned(Instant now, Duration timeout) {
        return !queued && queuedInstant().plus(timeout).isBefore(now);
    }

    public boolean sameBody(IdempotencyRecord other) {
        return bodySha256.equals(other.bodySha256);
    }

    private Instant queuedInstant() {
        try {
            return OffsetDateTime.parse(queuedAt).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH; // unreadable: treat as long expired
        }
    }

    public String toJson() {
        ObjectNode node = Json.object();
        node.put("body_sha256", bodySha256);
        node.put("tracking_id", trackingId);
        node.put("queued_at", queuedAt);
        node.put("state", queued ? "queued" : "pending");
        return Json.write(node);
    }

    /** Parses a stored record; one that cannot be read counts as expired (its key is taken over). */
    public static IdempotencyRecord fromJson(String json) {
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return new IdempotencyRecord(node.path("body_sha256").asText(""), node.path("tracking_id").asText(""),
                    node.path("queued_at").asText(""), "queued".equals(node.path("state").asText()));
        } catch (JacksonException e) {
            return new IdempotencyRecord("", "", "", false);
        }
    }
}
