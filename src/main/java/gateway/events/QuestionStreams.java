package gateway.events;

import java.util.Optional;

import gateway.flow.FlowProperties;
import gateway.http.CorsPolicy;
import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /webhook/{tracking_id}/events}, once the route has checked who asks and that the question is theirs: the
 * response becomes a {@code text/event-stream}; every event of the question after {@code Last-Event-ID} (all of them
 * without it) is sent at once, each with its {@code id:}; then, unless the question has ended, the stream stays open in
 * the {@link StreamHub} (the exchange completes, without a thread, when it ends). The response is written here, so
 * Camel's own reply is left with nothing to write.
 */
public class QuestionStreams extends AsyncProcessorSupport {

    private final EventLog log;
    private final StreamHub hub;
    private final CorsPolicy cors;

    /** Exchange property: the request's own message (the beans before the stream replace the exchange's message). */
    static final String HTTP = "gatewayEventStreamHttp";

    public QuestionStreams(EventLog log, StreamHub hub, CorsPolicy cors) {
        this.log = log;
        this.hub = hub;
        this.cors = cors;
    }

    /** The route's first step: keeps the platform-http request's message, whose response the stream writes. */
    public void hold(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http) {
            exchange.setProperty(HTTP, http);
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message message = exchange.getMessage();
        if (!(exchange.getProperty(HTTP) instanceof HttpMessage http)) {
            exchange.setException(new IllegalStateException("an event stream needs the platform-http (Vert.x) server"));
            callback.done(true);
            return true;
        }
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        int lastSeen;
        Optional<EventLog.Log> current;
        try {
            lastSeen = lastEventId(http.getRequest());
            current = log.read(trackingId);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        HttpServerResponse response = http.getResponse();
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        cors.apply(message, exchange.getProperty(IntakeResponses.ORIGIN, String.class));
        for (String header : new String[] {"Access-Control-Allow-Origin", "Vary"}) {
            String value = message.getHeader(header, String.class);
            if (value != null) {
                response.putHeader(header, value);
            }
        }
        // the head at once (a question still queued has nothing to send yet)
        response.write(": events of " + trackingId + "\n\n");
        StreamHub.Stream stream = new StreamHub.Stream(trackingId, response, lastSeen, () -> callback.done(false));
        boolean open = current.map(c -> hub.send(stream, c)).orElse(true);
        if (open) {
            hub.add(stream);
            // a change written between the read and the add: read once more
            log.read(trackingId).ifPresent(c -> hub.changed(trackingId, c));
        }
        return false;
    }

    /** {@code Last-Event-ID}: the id of the last event the client has; 0 when absent; 400 when it is not one. */
    static int lastEventId(HttpServerRequest request) {
        String value = request.getHeader("Last-Event-ID");
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int id = Integer.parseInt(value.strip());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw IntakeRejection.badRequest("Last-Event-ID must be the id of an event of this stream (a whole number)");
        }
    }
}
