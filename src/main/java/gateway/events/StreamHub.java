package gateway.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event streams open on this replica ({@code GET /webhook/{tracking_id}/events}), by question. No thread is held by
 * a stream: each is a Vert.x response written to when its question's log changes. It changes here (the agent runs on
 * this replica: {@link #changed}, at once) or elsewhere (the shared watch lists {@code watch/events/}: a log whose
 * version moved is read once, {@link #refresh}, for all of its streams here; one that is not there, not yet open or
 * closed, costs one GET of its closed log per look). A heartbeat comment every {@value #HEARTBEAT_MS} ms keeps proxies from closing a quiet stream. A stream ends
 * after its question's final event, when its client goes, when it cannot keep up (the client resumes with
 * {@code Last-Event-ID}), or when the replica stops.
 */
public class StreamHub {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);
    static final long HEARTBEAT_MS = 15_000;

    /** One open stream: its response, the last event id it was sent, and what ends its exchange. */
    public static final class Stream {
        final String trackingId;
        final HttpServerResponse response;
        final Runnable done;
        int lastSent;
        final AtomicBoolean ended = new AtomicBoolean();

        public Stream(String trackingId, HttpServerResponse response, int lastSent, Runnable done) {
            this.trackingId = trackingId;
            this.response = response;
            this.lastSent = lastSent;
            this.done = done;
        }
    }

    private final EventLog log;
    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();
    /** The version of each watched open log as last read for this replica's streams. */
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    private volatile long lastHeartbeat = System.currentTimeMillis();

    public StreamHub(EventLog log) {
        this.log = log;
    }

    /** How many streams are open here. */
    public int open() {
        return streams.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * Sends the stream what its question's log holds after the stream's last event; ends it after a final event.
     * Returns false when the stream has ended.
     */
    public boolean send(Stream stream, EventLog.Log current) {
        synchronized (stream) {
            if (stream.ended.get()) {
                return false;
            }
            for (QuestionEvent event : current.after(stream.lastSent)) {
                if (stream.response.writeQueueFull()) {
                    LOG.info("Event stream of {} ends: its client does not keep up (it resumes with Last-Event-ID)", stream.trackingId);
                    end(stream);
                    return false;
                }
                stream.response.write(Buffer.buffer(frame(current.trackingId(), event), StandardCharsets.UTF_8.name()));
                stream.lastSent = event.id();
                if (QuestionEvent.isFinal(event.type())) {
                    end(stream);
                    return false;
                }
            }
            return true;
        }
    }

    /** A stream that has had the log so far and stays open: it gets the next events as they come. */
    public void add(Stream stream) {
        streams.computeIfAbsent(stream.trackingId, id -> ConcurrentHashMap.newKeySet()).add(stream);
        stream.response.closeHandler(v -> remove(stream));
    }

    /** A stream just added gets what its question's log holds after its last event (ended after a final one). */
    public void catchUp(Stream stream, EventLog.Log current) {
        if (!send(stream, current)) {
            remove(stream);
        }
    }

    /** The question's log changed (written here, or read after the watch saw it change): its streams here get it. */
    public void changed(String trackingId, EventLog.Log current) {
        Set<Stream> open = streams.get(trackingId);
        if (open == null) {
            return;
        }
        for (Stream stream : List.copyOf(open)) {
            if (!send(stream, current)) {
                remove(stream);
            }
        }
    }

    /**
     * What the shared watch listed under {@code watch/events/} (tracking id to version): each question with streams here
     * whose log moved, or left the prefix (closed), is read once and its streams get what is new.
     */
    public void refresh(Map<String, String> openLogs) {
        for (String id : new ArrayList<>(streams.keySet())) {
            String version = openLogs.get(id);
            if (version != null && version.equals(versions.get(id))) {
                continue;
            }
            try {
                if (version == null) {
                    // not under watch/ (S3 lists what was written before the LIST): no open log, maybe a closed one
                    log.closed(id).ifPresent(current -> changed(id, current));
                } else {
                    log.read(id).ifPresent(current -> changed(id, current));
                    versions.put(id, version);
                }
            } catch (RuntimeException e) {
                LOG.debug("Event log of {} not read ({}): its streams wait for the next look", id, e.getMessage());
            }
        }
        versions.keySet().retainAll(streams.keySet());
    }

    /** A comment line on every open stream when {@value #HEARTBEAT_MS} ms have passed since the last. */
    public void heartbeat() {
        long now = System.currentTimeMillis();
        if (now - lastHeartbeat < HEARTBEAT_MS) {
            return;
        }
        lastHeartbeat = now;
        for (Set<Stream> open : streams.values()) {
            for (Stream stream : List.copyOf(open)) {
                synchronized (stream) {
                    if (!stream.ended.get()) {
                        stream.response.write(": keep-alive\n\n");
                    }
                }
            }
        }
    }

    /** Every stream ends (the replica stops: its clients resume elsewhere with Last-Event-ID). */
    public void closeAll() {
        for (Set<Stream> open : streams.values()) {
            for (Stream stream : List.copyOf(open)) {
                synchronized (stream) {
                    end(stream);
                }
                remove(stream);
            }
        }
    }

    void remove(Stream stream) {
        streams.computeIfPresent(stream.trackingId, (id, open) -> {
            open.remove(stream);
            return open.isEmpty() ? null : open;
        });
        if (stream.ended.compareAndSet(false, true)) {
            stream.done.run();
        }
    }

    private static void end(Stream stream) {
        if (!stream.response.ended()) {
            try {
                stream.response.end();
            } catch (IllegalStateException closed) {
                // the client went first
            }
        }
        if (stream.ended.compareAndSet(false, true)) {
            stream.done.run();
        }
    }

    /** One event as the stream sends it: {@code id:}, {@code event:}, and the event as JSON on one {@code data:} line. */
    static String frame(String trackingId, QuestionEvent event) {
        ObjectNode data = Json.object();
        data.put("type", event.type());
        data.put("timestamp", event.at());
        data.put("tracking_id", trackingId);
        data.set("data", event.data());
        return "id: " + event.id() + "\nevent: " + event.type() + "\ndata: " + Json.write(data) + "\n\n";
    }
}
