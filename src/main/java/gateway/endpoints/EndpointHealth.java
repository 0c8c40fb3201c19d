package gateway.endpoints;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.json.Timestamps;

/**
 * An endpoint's health as every replica shares it ({@code <S3_PREFIX>endpoints/<endpoint key>.json}):
 * <pre>{"caller","endpoint","state":"healthy"|"failing"|"paused"|"resuming","reason","paused_by":"failures"|"gone"|"operator",
 *  "consecutive_failures","first_failure_at","last_failure_at","last_success_at","last_error","paused_at",
 *  "next_probe_at","probe_delay_seconds","resumed_at","release_owner","release_until","updated_at"}</pre>
 * Immutable; {@link HealthRules} makes each next one. {@code last_error} is a code ({@code HTTP_503},
 * {@code ConnectException}), never a URL; {@code reason} is the gateway's sentence.
 */
public record EndpointHealth(
        EndpointRef endpoint,
        EndpointState state,
        String reason,
        String pausedBy,
        int consecutiveFailures,
        Instant firstFailureAt,
        Instant lastFailureAt,
        Instant lastSuccessAt,
        String lastError,
        Instant pausedAt,
        Instant nextProbeAt,
        long probeDelaySeconds,
        Instant resumedAt,
        String releaseOwner,
        Instant releaseUntil,
        Instant updatedAt) {

    public static final String BY_FAILURES = "failures";
    public static final String BY_GONE = "gone";
    public static final String BY_OPERATOR = "operator";
    public static final String BY_CALLER = "caller";

    /** Paused by a person (the caller or an operator): no probes, it waits for a resume. */
    public boolean pausedByHand() {
        return state == EndpointState.PAUSED && (BY_OPERATOR.equals(pausedBy) || BY_CALLER.equals(pausedBy));
    }

    /** An endpoint nothing is known of yet: healthy. */
    public static EndpointHealth healthy(EndpointRef endpoint) {
        return new EndpointHealth(endpoint, EndpointState.HEALTHY, null, null, 0, null, null, null, null, null, null, 0,
                null, null, null, null);
    }

    public boolean holdsDeliveries() {
        return state.holdsDeliveries();
    }

    EndpointHealth with(EndpointState newState, String newReason, String newPausedBy) {
        return new EndpointHealth(endpoint, newState, newReason, newPausedBy, consecutiveFailures, firstFailureAt,
                lastFailureAt, lastSuccessAt, lastError, pausedAt, nextProbeAt, probeDelaySeconds, resumedAt, releaseOwner,
                releaseUntil, updatedAt);
    }

    EndpointHealth failures(int count, Instant first, Instant last, String error) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, count, first, last, lastSuccessAt, error, pausedAt,
                nextProbeAt, probeDelaySeconds, resumedAt, releaseOwner, releaseUntil, updatedAt);
    }

    EndpointHealth succeededAt(Instant at) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, consecutiveFailures, firstFailureAt, lastFailureAt, at,
                lastError, pausedAt, nextProbeAt, probeDelaySeconds, resumedAt, releaseOwner, releaseUntil, updatedAt);
    }

    EndpointHealth pause(Instant at, Instant probeAt, long probeDelay) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, consecutiveFailures, firstFailureAt, lastFailureAt,
                lastSuccessAt, lastError, at, probeAt, probeDelay, resumedAt, null, null, updatedAt);
    }

    EndpointHealth probe(Instant probeAt, long probeDelay) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, consecutiveFailures, firstFailureAt, lastFailureAt,
                lastSuccessAt, lastError, pausedAt, probeAt, probeDelay, resumedAt, releaseOwner, releaseUntil, updatedAt);
    }

    EndpointHealth resume(Instant at) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, 0, null, null, lastSuccessAt, lastError, pausedAt, null,
                0, at, releaseOwner, releaseUntil, updatedAt);
    }

    EndpointHealth release(String owner, Instant until) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, consecutiveFailures, firstFailureAt, lastFailureAt,
                lastSuccessAt, lastError, pausedAt, nextProbeAt, probeDelaySeconds, resumedAt, owner, until, updatedAt);
    }

    EndpointHealth updated(Instant at) {
        return new EndpointHealth(endpoint, state, reason, pausedBy, consecutiveFailures, firstFailureAt, lastFailureAt,
                lastSuccessAt, lastError, pausedAt, nextProbeAt, probeDelaySeconds, resumedAt, releaseOwner, releaseUntil, at);
    }

    /** The same health but for when it was written: what a change is compared by. */
    boolean sameAs(EndpointHealth other) {
        return other != null && updated(null).equals(other.updated(null));
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        if (endpoint.caller() == null) {
            json.putNull("caller");
        } else {
            json.put("caller", endpoint.caller());
        }
        json.put("endpoint", endpoint.name());
        json.put("state", state.wireName());
        json.put("reason", reason);
        json.put("paused_by", pausedBy);
        json.put("consecutive_failures", consecutiveFailures);
        time(json, "first_failure_at", firstFailureAt);
        time(json, "last_failure_at", lastFailureAt);
        time(json, "last_success_at", lastSuccessAt);
        json.put("last_error", lastError);
        time(json, "paused_at", pausedAt);
        time(json, "next_probe_at", nextProbeAt);
        json.put("probe_delay_seconds", probeDelaySeconds);
        time(json, "resumed_at", resumedAt);
        json.put("release_owner", releaseOwner);
        time(json, "release_until", releaseUntil);
        time(json, "updated_at", updatedAt);
        return json;
    }

    /** The health as stored; a missing or unreadable field is taken as unknown (healthy, no failures). */
    public static EndpointHealth fromJson(EndpointRef endpoint, JsonNode json) {
        if (json == null || !json.isObject()) {
            return healthy(endpoint);
        }
        return new EndpointHealth(endpoint, EndpointState.fromWire(text(json, "state")), text(json, "reason"),
                text(json, "paused_by"), json.path("consecutive_failures").asInt(0), instant(json, "first_failure_at"),
                instant(json, "last_failure_at"), instant(json, "last_success_at"), text(json, "last_error"),
                instant(json, "paused_at"), instant(json, "next_probe_at"), json.path("probe_delay_seconds").asLong(0),
                instant(json, "resumed_at"), text(json, "release_owner"), instant(json, "release_until"),
                instant(json, "updated_at"));
    }

    private static void time(ObjectNode json, String field, Instant at) {
        if (at == null) {
            json.putNull(field);
        } else {
            json.put(field, Timestamps.format(at));
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static Instant instant(JsonNode json, String field) {
        String text = text(json, field);
        try {
            return text == null ? null : java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
