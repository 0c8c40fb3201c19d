package gateway.cancel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.agent.InFlightCalls;
import gateway.delivery.DeliveryMessage;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.metrics.FlowMetrics;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordWriter;
import gateway.tracking.TrackingRecord;
import gateway.tracking.TrackingStatus;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What this replica knows of cancelled questions: the cancellation markers ({@link CancellationMarkers}) as of its last
 * poll ({@code routes.CancellationWatchRoute}, every {@code CANCEL_POLL_MS}) plus the cancellations made here, kept a
 * while after their marker is gone ({@link #KEEP}). The agent stage asks it before the agent is called
 * ({@link #cancelled}): on a first receive the record is not read, so this is what keeps a cancelled question from being
 * asked. Each poll also aborts the calls in flight here of every cancelled question ({@link InFlightCalls}): a
 * cancellation that lands between the check and the call, or while the agent answers, ends the call within one poll;
 * and the {@code bedrock-agent} component starts no call of a question known here to be cancelled (a redelivery).
 */
public class CancellationWatch {

    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatch.class);
    /** How long a cancellation is remembered after its marker was last seen (a duplicate of its request may come late). */
    static final Duration KEEP = Duration.ofMinutes(10);

    private final CancellationMarkers markers;
    private final Supplier<InFlightCalls> calls;
    private final FlowMetrics metrics;
    private final Clock clock;
    private final Duration markerMaxAge;
    /** Tracking id to when it was last seen (listed, or cancelled here). */
    private final Map<String, Instant> cancelled = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private volatile boolean failing;

    public CancellationWatch(CancellationMarkers markers, Supplier<InFlightCalls> calls, FlowMetrics metrics, Clock clock,
            Duration markerMaxAge) {
        this.markers = markers;
        this.calls = calls;
        this.metrics = metrics;
        this.clock = clock;
        this.markerMaxAge = markerMaxAge;
    }

    /**
     * One poll: the markers listed (one LIST), the calls in flight here of each aborted, markers older than
     * {@code CANCEL_MARKER_MAX_AGE_HOURS} deleted (their request has long left the queue). The store unreachable: one
     * WARN per outage, what is known stays known.
     */
    public synchronized void poll() {
        Map<String, Instant> listed;
        try {
            listed = markers.list();
        } catch (SdkException e) {
            failed(e);
            return;
        }
        update(listed);
    }

    /**
     * The markers as the shared look-up listed them ({@link CancellationMarkers#in}): the cancelled questions known here
     * brought up to date, their calls in flight here aborted, markers older than {@code CANCEL_MARKER_MAX_AGE_HOURS}
     * deleted (their request has long left the queue).
     */
    public synchronized void update(Map<String, Instant> listed) {
        if (failing) {
            failing = false;
            LOG.info("Cancellation markers can be listed again");
        }
        Instant now = clock.instant();
        listed.forEach((id, written) -> {
            if (written.plus(markerMaxAge).isBefore(now)) {
                deleteMarker(id);
            } else {
                cancelled.put(id, now);
            }
        });
        cancelled.entrySet().removeIf(e -> e.getValue().plus(KEEP).isBefore(now));
        loaded = true;
        InFlightCalls inFlight = calls.get();
        inFlight.knownCancelled(this::knows);
        for (String id : cancelled.keySet()) {
            if (inFlight.abort(id) > 0) {
                LOG.info("Agent call of {} aborted: cancelled by its caller", id);
            }
        }
    }

    /** The markers could not be listed: one WARN per outage, what is known stays known. */
    public synchronized void failed(SdkException e) {
        if (!failing) {
            failing = true;
            LOG.warn("Cancellation markers cannot be listed (cancellations made on other replicas are seen once they can): {}",
                    e.getClass().getSimpleName());
            LOG.debug("Cancellation markers: LIST failed", e);
        }
    }

    /**
     * Nothing here can be affected (no agent call in flight), so the markers are not watched: what is known may grow
     * old, and the next question's check lists them first ({@link #cancelled}).
     */
    public void stale() {
        loaded = false;
    }

    /** Whether an agent call is in flight here (the markers matter only then, and before the next call). */
    public boolean callsInFlight() {
        return calls.get().any();
    }

    /** Whether the question is cancelled: the record as read says so, or this replica knows (read once before the first poll). */
    public boolean cancelled(@ExchangeProperty(RecordLookup.STORED_STATUS) String storedStatus,
            @ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        if (TrackingStatus.CANCELLED.wireName().equals(storedStatus)) {
            return true;
        }
        if (!loaded) {
            // not watched while nothing was in flight here (or never): listed now, once
            poll();
            loaded = true;
        }
        return trackingId != null && cancelled.containsKey(trackingId);
    }

    /** A cancellation made on this replica: known here at once, and its call here (if any) aborted now. */
    public void cancelledHere(@ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        cancelled.put(trackingId, clock.instant());
        InFlightCalls inFlight = calls.get();
        inFlight.knownCancelled(this::knows);
        if (inFlight.abort(trackingId) > 0) {
            LOG.info("Agent call aborted: cancelled by its caller");
        }
    }

    /**
     * The agent stage stopped a cancelled question ({@code queued}: before the call; {@code agent}: its call aborted or its
     * answer dropped): counted, and its marker deleted (its request is gone; a failed delete is left to the age limit).
     */
    public void dropped(String stage, @ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        metrics.cancellation(stage);
        if (trackingId != null) {
            deleteMarker(trackingId);
        }
    }

    /**
     * For the enqueue step: whether the result in the body must not be delivered, because it is the agent stage's result
     * (not the cancellation itself) of a question cancelled meanwhile: the record said so when the result was written
     * (the record as written with the result, {@link RecordWriter#WRITTEN_RECORD}, is "cancelled"), or this replica knows.
     */
    public boolean resultDropped(@Body String result, @ExchangeProperty(RecordWriter.WRITTEN_RECORD) ObjectNode written,
            @ExchangeProperty(FlowProperties.TRACKING_ID) String trackingId) {
        boolean recordCancelled = written != null && TrackingRecord.status(written) == TrackingStatus.CANCELLED;
        boolean questionCancelled = recordCancelled || (trackingId != null && cancelled.containsKey(trackingId));
        // (the body is read only then: nearly every result goes on at once)
        return questionCancelled && !DeliveryMessage.STATUS_CANCELLED.equals(status(result));
    }

    /** Whether this replica knows the question is cancelled (tests, the operators). */
    public boolean knows(String trackingId) {
        return cancelled.containsKey(trackingId);
    }

    /**
     * Forgets what is known (a test's "another replica", which has not polled yet). Synchronized with {@link #poll}: a poll
     * that listed the markers before the caller deleted one would otherwise put it back after this returned.
     */
    public synchronized void forget() {
        cancelled.clear();
        loaded = false;
    }

    private void deleteMarker(String trackingId) {
        try {
            markers.delete(trackingId);
        } catch (SdkException e) {
            LOG.debug("Cancellation marker of {} not deleted (the age limit will): {}", trackingId, e.getMessage());
        }
    }

    private static String status(String result) {
        try {
            return result == null ? null : Json.MAPPER.readTree(result).path("status").asText(null);
        } catch (Exception e) {
            return null;
        }
    }
}
