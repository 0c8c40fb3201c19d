package gateway.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.intake.TrackingIds;
import gateway.json.Json;
import gateway.s3.S3Bucket;
import gateway.tracking.RecordStoreUnavailable;
import gateway.tracking.S3RecordStore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A question's events, one JSON object in S3 shared by every replica:
 * <pre>{"tracking_id","caller","closed":false,"events":[{"id":1,"type":"query.started",...},...]}</pre>
 * While the question is open it lives under {@code <S3_PREFIX>watch/events/<tracking_id>.json}, where the replicas'
 * one shared LIST ({@code gateway.events.SharedWatch}) sees it change; once a final event is in
 * ({@code query.answered}, {@code query.failed}, {@code query.cancelled}) it moves to
 * {@code <S3_PREFIX>events/<tracking_id>.json} and leaves the watched prefix. Appends are conditional writes through the
 * record store (the agent's replica and a cancel on another one never lose each other's events); an append to a question
 * whose log is closed adds nothing. At most {@value #MAX_EVENTS} events are kept: past that, progress and answer parts
 * are counted ({@code "dropped"}), the final event always goes in.
 */
public class EventLog {

    static final String OPEN = "watch/events/";
    static final String CLOSED = "events/";
    static final int MAX_EVENTS = 500;

    /** A question's log as read. */
    public record Log(String trackingId, String caller, boolean closed, List<QuestionEvent> events) {

        /** The events after {@code lastSeen} (an event id; 0: all). */
        public List<QuestionEvent> after(int lastSeen) {
            return events.stream().filter(e -> e.id() > lastSeen).toList();
        }

        public int lastId() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        }
    }

    /** An event to add: its id is given when it is appended. */
    public record Draft(String type, String at, ObjectNode data) {
    }

    private final S3RecordStore store;
    private final S3Bucket bucket;

    public EventLog(S3RecordStore store, S3Bucket bucket) {
        this.store = store;
        this.bucket = bucket;
    }

    /**
     * Adds events to the open log ({@code create}: making it when there is none, for the question's first event); nothing
     * when the log is closed, or absent and not to be created. Returns the log as written, or empty when nothing was added.
     */
    public Optional<Log> append(String trackingId, String caller, List<Draft> drafts, boolean create) {
        ObjectNode written = store.updateObject(openPath(trackingId), current -> {
            if (current == null && !create || current != null && current.path("closed").asBoolean(false)) {
                return null;
            }
            ObjectNode log = current == null ? empty(trackingId, caller) : current.deepCopy();
            add(log, drafts);
            return log;
        });
        return written == null || !addedTo(written, drafts) ? Optional.empty() : Optional.of(toLog(written));
    }

    /**
     * Adds the final event and closes the log: written closed under {@code events/}, then gone from the watched prefix.
     * When the log is closed already (another final event won), nothing changes and the closed log is returned.
     */
    public Log close(String trackingId, String caller, Draft finalEvent) {
        ObjectNode[] closing = new ObjectNode[1];
        ObjectNode written = store.updateObject(openPath(trackingId), current -> {
            if (current != null && current.path("closed").asBoolean(false)) {
                return null;
            }
            ObjectNode log = current == null ? empty(trackingId, caller) : current.deepCopy();
            add(log, List.of(finalEvent));
            log.put("closed", true);
            closing[0] = log;
            return log;
        });
        ObjectNode closed = closing[0] != null ? closing[0] : written;
        if (closing[0] == null) {
            Optional<Log> done = readClosed(trackingId);
            if (done.isPresent()) {
                return done.get();
            }
        }
        String json = Json.write(closed);
        call("write", () -> bucket.client().putObject(r -> r.bucket(bucket.name()).key(bucket.key(closedPath(trackingId)))
                .contentType("application/json"), RequestBody.fromString(json)));
        call("delete", () -> bucket.client().deleteObject(r -> r.bucket(bucket.name()).key(bucket.key(openPath(trackingId)))));
        return toLog(closed);
    }

    /** The question's log: closed if it has ended, else open; empty when it has no event yet. */
    public Optional<Log> read(String trackingId) {
        Optional<Log> closed = readClosed(trackingId);
        if (closed.isPresent()) {
            return closed;
        }
        Optional<Log> open = store.readObject(openPath(trackingId)).map(stored -> toLog(stored.record()));
        // it may have been closed between the two reads
        return open.isPresent() ? open : readClosed(trackingId);
    }

    /** The object key under {@code S3_PREFIX} a question's open log has (what the shared watch lists). */
    public static String openPath(String trackingId) {
        return OPEN + checked(trackingId) + ".json";
    }

    static String closedPath(String trackingId) {
        return CLOSED + checked(trackingId) + ".json";
    }

    /** The tracking id of a watched key's path below {@code watch/} ({@code events/<id>.json}); null for another. */
    public static String trackingIdOf(String watchedPath) {
        String prefix = OPEN.substring("watch/".length());
        if (!watchedPath.startsWith(prefix) || !watchedPath.endsWith(".json")) {
            return null;
        }
        return TrackingIds.parse(watchedPath.substring(prefix.length(), watchedPath.length() - ".json".length())).orElse(null);
    }

    /** The question's log once it is closed; empty while it is open or has no event. */
    public Optional<Log> closed(String trackingId) {
        return readClosed(trackingId);
    }

    private Optional<Log> readClosed(String trackingId) {
        String key = bucket.key(closedPath(trackingId));
        try {
            String text = bucket.client().getObjectAsBytes(r -> r.bucket(bucket.name()).key(key)).asUtf8String();
            JsonNode json = Json.MAPPER.readTree(text);
            return json instanceof ObjectNode object ? Optional.of(toLog(object)) : Optional.empty();
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 403) {
                return Optional.empty();
            }
            throw unavailable("read", e);
        } catch (SdkException e) {
            throw unavailable("read", e);
        } catch (JacksonException e) {
            throw new RecordStoreUnavailable("event log: not valid JSON", null);
        }
    }

    private static ObjectNode empty(String trackingId, String caller) {
        ObjectNode log = Json.object();
        log.put("tracking_id", trackingId);
        log.put("caller", caller);
        log.put("closed", false);
        log.putArray("events");
        return log;
    }

    private static void add(ObjectNode log, List<Draft> drafts) {
        ArrayNode events = log.withArray("events");
        int next = events.isEmpty() ? 1 : events.get(events.size() - 1).path("id").asInt() + 1;
        for (Draft draft : drafts) {
            if (events.size() >= MAX_EVENTS - 1 && !QuestionEvent.isFinal(draft.type())) {
                log.put("dropped", log.path("dropped").asInt(0) + 1);
                continue;
            }
            events.add(new QuestionEvent(next++, draft.type(), draft.at(), draft.data()).toJson());
        }
    }

    /** Whether the written log holds these drafts (they were not all dropped as over the bound). */
    private static boolean addedTo(ObjectNode written, List<Draft> drafts) {
        return !drafts.isEmpty() && written.path("events").size() > 0;
    }

    static Log toLog(ObjectNode json) {
        List<QuestionEvent> events = new ArrayList<>();
        for (JsonNode event : json.path("events")) {
            QuestionEvent parsed = QuestionEvent.fromJson(event);
            if (parsed != null) {
                events.add(parsed);
            }
        }
        return new Log(json.path("tracking_id").asText(null), json.path("caller").asText(null),
                json.path("closed").asBoolean(false), List.copyOf(events));
    }

    private static String checked(String trackingId) {
        return TrackingIds.parse(trackingId).orElseThrow(() -> new IllegalArgumentException("tracking id is not a UUID"));
    }

    private interface Call {
        void run();
    }

    private static void call(String what, Call call) {
        try {
            call.run();
        } catch (SdkException e) {
            throw unavailable(what, e);
        }
    }

    private static RecordStoreUnavailable unavailable(String what, SdkException e) {
        String status = e instanceof S3Exception s3e ? " HTTP " + s3e.statusCode() : "";
        return new RecordStoreUnavailable("event log: cannot " + what + " (" + e.getClass().getSimpleName() + status + ")", e);
    }
}
