package gateway.endpoints;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.tracking.DeliveryEntries;
import gateway.tracking.DeliveryStatus;
import gateway.tracking.RecordLookup;
import gateway.tracking.S3RecordStore;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * {@code POST /endpoints/{name}/recover} with {@code since}: every answer for the endpoint since then that was
 * dead-lettered (its copy in the {@code undelivered/} lane) and is not delivered since, put in the endpoint's parked lane
 * (the same key as any parked copy: once each), the record told; and the deliveries already parked since then. All go in
 * the order their answers were made, by the release (now, unless the endpoint is paused: after its probe). The steps of
 * the route {@code routes.EndpointHealthRoute#RECOVER}; the count is kept in {@link #PROGRESS}.
 */
public class EndpointRecovery {

    public static final String PROGRESS = "endpoint_recovery";
    /** A recover takes at most this many dead-lettered deliveries at once (the answer says when there were more). */
    static final int MAX = 10_000;

    /** A dead-lettered delivery of the endpoint since the time asked. */
    public record Candidate(String message, String orderKey, String trackingId, DeliveryTarget target) {
    }

    /** What a recover found and did. */
    public static final class Progress {
        final EndpointRef endpoint;
        final Instant since;
        int recovered;
        int alreadyDelivered;
        boolean more;

        Progress(EndpointRef endpoint, Instant since) {
            this.endpoint = endpoint;
            this.since = since;
        }
    }

    private final DeliveryLane parked;
    private final DeliveryLane undelivered;
    private final EndpointHealthStore health;
    private final HealthRules rules;
    private final EndpointNotices notices;
    private final Clock clock;

    public EndpointRecovery(DeliveryLane parked, DeliveryLane undelivered, EndpointHealthStore health, HealthRules rules,
            EndpointNotices notices, Clock clock) {
        this.parked = parked;
        this.undelivered = undelivered;
        this.health = health;
        this.rules = rules;
        this.notices = notices;
        this.clock = clock;
    }

    /** {@code since} of the request body ({@code {"since":"<ISO-8601 time>"}}): 400 when missing, unreadable or future. */
    public static Instant since(JsonNode body) {
        JsonNode since = body == null ? null : body.get("since");
        if (since == null || !since.isTextual()) {
            throw IntakeRejection.badRequest("Missing 'since': the time (ISO-8601, with its offset) from which to recover");
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(since.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw IntakeRejection.badRequest("'since' is not an ISO-8601 time with an offset (2026-12-05T10:00:00Z)");
        }
        return at;
    }

    /** Starts a recover of {@code endpoint} since {@code since} ({@link #PROGRESS}). */
    public void start(EndpointRef endpoint, Instant since, Exchange exchange) {
        if (since.isAfter(clock.instant())) {
            throw IntakeRejection.badRequest("'since' is in the future");
        }
        exchange.setProperty(PROGRESS, new Progress(endpoint, since));
    }

    /** The endpoint's dead-lettered deliveries answered since then, oldest first (at most {@value #MAX}). */
    public List<Candidate> candidates(@ExchangeProperty(PROGRESS) Progress progress) {
        List<Candidate> found = new ArrayList<>();
        String after = DeliveryLane.startOf(progress.since);
        while (found.size() < MAX) {
            List<DeliveryLane.Entry> page = undelivered.list(progress.endpoint, after, 1000);
            for (DeliveryLane.Entry entry : page) {
                undelivered.read(entry.key()).ifPresent(message -> candidate(message, entry.orderKey()).ifPresent(found::add));
                after = entry.orderKey();
                if (found.size() >= MAX) {
                    progress.more = true;
                    break;
                }
            }
            if (page.size() < 1000) {
                break;
            }
        }
        return found;
    }

    /** The candidate's delivery ({@link FlowProperties#TRACKING_ID}, webhook-id, target) for the record steps. */
    public void identify(@Body Candidate candidate, Exchange exchange) {
        if (candidate.trackingId() != null) {
            exchange.setProperty(FlowProperties.TRACKING_ID, candidate.trackingId());
        }
        exchange.setProperty(FlowProperties.WEBHOOK_ID, candidate.target().webhookId());
        exchange.setProperty(FlowProperties.DELIVERY_TARGET, candidate.target());
    }

    /** Whether the record (as just read) shows the delivery delivered since: then it is not sent again. */
    public boolean delivered(@Body Candidate candidate, @ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored,
            @ExchangeProperty(PROGRESS) Progress progress) {
        boolean delivered = stored != null
                && DeliveryEntries.statusOf(stored.record(), candidate.target().webhookId()) == DeliveryStatus.DELIVERED;
        if (delivered) {
            progress.alreadyDelivered++;
        }
        return delivered;
    }

    /** The delivery in its endpoint's parked lane, in its answer's place. */
    public void park(@Body Candidate candidate, @ExchangeProperty(PROGRESS) Progress progress) {
        parked.put(progress.endpoint, candidate.orderKey(), candidate.message());
        progress.recovered++;
    }

    /**
     * The answer: what was recovered, what was already delivered, how many deliveries since then are parked; the
     * endpoint releases them now unless it is paused (then after its probe).
     */
    public ObjectNode finish(@ExchangeProperty(PROGRESS) Progress progress) {
        if (progress.recovered > 0) {
            notices.changed(health.update(progress.endpoint, h -> rules.releaseRequested(h, clock.instant())));
        }
        long parkedSince = 0;
        String after = DeliveryLane.startOf(progress.since);
        List<DeliveryLane.Entry> page;
        do {
            page = parked.list(progress.endpoint, after, 1000);
            parkedSince += page.size();
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).orderKey();
            }
        } while (page.size() == 1000 && parkedSince < EndpointControl.COUNT_CAP);
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("endpoint", progress.endpoint.name());
        body.put("since", Timestamps.format(progress.since));
        body.put("recovered", progress.recovered);
        body.put("already_delivered", progress.alreadyDelivered);
        body.put("parked", parkedSince);
        body.put("more", progress.more);
        body.put("state", health.current(progress.endpoint).state().wireName());
        return body;
    }

    private static java.util.Optional<Candidate> candidate(String message, String orderKey) {
        JsonNode json = Json.parseOrNull(message);
        if (json == null || !json.hasNonNull("target")) {
            return java.util.Optional.empty();
        }
        try {
            DeliveryTarget target = DeliveryTarget.fromJson(json.get("target"));
            String trackingId = json.path("tracking_id").asText(null);
            return java.util.Optional.of(new Candidate(message, orderKey, trackingId, target));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
