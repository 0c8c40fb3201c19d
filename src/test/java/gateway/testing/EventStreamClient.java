package gateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;

/**
 * A client of a question's event stream ({@code text/event-stream}), as a browser's EventSource reads it: each event's
 * {@code id:}, {@code event:} and {@code data:} lines, comments ignored. Reads on a thread of its own until the server
 * ends the stream; {@link #awaitEnd} waits for that.
 */
public final class EventStreamClient implements AutoCloseable {

    /** One event: its id, its type and its data (the JSON of the {@code data:} line). */
    public record Event(int id, String type, JsonNode data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final CompletableFuture<Integer> ended = new CompletableFuture<>();
    private volatile HttpResponse<Stream<String>> response;
    private volatile int comments;

    private EventStreamClient() {
    }

    /** Opens the stream at {@code uri} with the caller's key, after {@code lastEventId} (null: from the start). */
    public static EventStreamClient open(URI uri, String key, Integer lastEventId) throws Exception {
        EventStreamClient client = new EventStreamClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId.toString());
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        client.response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(client::read, "event-stream-client");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The events so far. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** How many comment lines (the head, heartbeats) came. */
    public int comments() {
        return comments;
    }

    /** Waits until the server ends the stream; the events it sent. */
    public List<Event> awaitEnd(Duration timeout) throws Exception {
        ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return events();
    }

    public boolean ended() {
        return ended.isDone();
    }

    private void read() {
        Integer id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        synchronized (this) {
                            events.add(new Event(id == null ? -1 : id, type, Json.MAPPER.readTree(data.toString())));
                        }
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id: ")) {
                    id = Integer.parseInt(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            ended.complete(response.statusCode());
        } catch (Exception e) {
            ended.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        if (response != null && !ended.isDone()) {
            try {
                response.body().close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }
}
