package gateway.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import gateway.flow.FlowProperties;
import gateway.http.CorsPolicy;
import gateway.http.RequestHeaders;
import gateway.intake.IntakeResponses;
import gateway.intake.IntakeRejection;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /webhook/{tracking_id}/events}, served on the business port's router ahead of Camel's routes, so that an
 * open stream holds no thread. (platform-http runs each exchange synchronously on a Vert.x worker, 20 of them for every
 * route of the port: an exchange that lasted as long as its stream held a worker, and 20 streams stopped the port.)
 *
 * <p>The checks are a Camel route ({@link #CHECKS}: the same keys, budget and 404s as the status), run once on a worker
 * with the request as its message; they leave either the property {@link #ALLOWED} or the error response to send. Then,
 * on the event loop, the response becomes a {@code text/event-stream}: every event of the question after
 * {@code Last-Event-ID} (all of them without it), each with its {@code id:}; unless the question has ended the stream
 * stays in the {@link StreamHub}, written to as events come. Other methods reach the Camel route of the path (405).
 */
public class QuestionStreams {

    private static final Logger LOG = LoggerFactory.getLogger(QuestionStreams.class);

    /** The route that decides whether the request may have the stream (routes.QuestionEventsRoute). */
    public static final String CHECKS = "direct:event-stream-checks";
    /** Exchange property set by the checks' last step: the stream may open. */
    public static final String ALLOWED = "gatewayEventStreamAllowed";
    /** Exchange property: the request's {@code Last-Event-ID} (0 without one). */
    static final String LAST_SEEN = "gatewayEventStreamLastSeen";
    static final String PATH = "/webhook/:tracking_id/events";
    /** Threads that run the streams' checks and first reads (Vert.x's own 20 serve the rest of the port). */
    static final int WORKERS = 4;

    private final CamelContext context;
    private final ProducerTemplate checks;
    private final EventLog log;
    private final StreamHub hub;
    private final CorsPolicy cors;
    private volatile WorkerExecutor workers;

    public QuestionStreams(CamelContext context, ProducerTemplate checks, EventLog log, StreamHub hub, CorsPolicy cors) {
        this.context = context;
        this.checks = checks;
        this.log = log;
        this.hub = hub;
        this.cors = cors;
    }

    /** Serves the stream's GETs on {@code router} before any route Camel added there. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, PATH).order(-1).handler(this::handle);
    }

    /**
     * A check: the request's {@code Last-Event-ID}, the id of the last event the client has (0 when absent); 400 when it
     * is not a whole number.
     */
    public void readLastEventId(Exchange exchange) {
        String value = RequestHeaders.of(exchange.getMessage(), "Last-Event-ID");
        int id = 0;
        if (value != null && !value.isBlank()) {
            try {
                id = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0) {
                throw IntakeRejection.badRequest("Last-Event-ID must be the id of an event of this stream (a whole number)");
            }
        }
        exchange.setProperty(LAST_SEEN, id);
    }

    /** The checks' last step: the stream may open. */
    public void allow(Exchange exchange) {
        exchange.setProperty(ALLOWED, true);
    }

    void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        HttpServerResponse response = routing.response();
        Exchange exchange = exchange(request, response);
        WorkerExecutor workers = workers(routing.vertx());
        // the checks are blocking calls (S3): on the streams' own workers, briefly, never for the whole stream and never
        // on the port's workers (a burst of streams opening does not hold up the rest of the API)
        workers.<Boolean>executeBlocking(() -> {
            checks.send(CHECKS, exchange);
            return exchange.getProperty(ALLOWED, false, Boolean.class);
        }, false).onComplete(result -> {
            if (result.failed()) {
                LOG.error("Event stream failed to open: {}", result.cause().getClass().getName());
                answer(response, 500, Map.of("Content-Type", "application/json"),
                        "{\"success\":false,\"error\":\"Internal error\"}");
            } else if (!result.result()) {
                refused(exchange.getMessage(), response);
            } else {
                open(workers, exchange, response);
            }
        });
    }

    private WorkerExecutor workers(Vertx vertx) {
        WorkerExecutor current = workers;
        if (current == null) {
            synchronized (this) {
                if (workers == null) {
                    workers = vertx.createSharedWorkerExecutor("gateway-event-streams", WORKERS);
                }
                current = workers;
            }
        }
        return current;
    }

    /** The request as the checks read it: its own HTTP request (credentials are read from it), method, path, headers. */
    private Exchange exchange(HttpServerRequest request, HttpServerResponse response) {
        Exchange exchange = new DefaultExchange(context, ExchangePattern.InOut);
        HttpMessage message = new HttpMessage(exchange, request, response);
        request.headers().forEach(header -> message.setHeader(header.getKey(), header.getValue()));
        message.setHeader(Exchange.HTTP_METHOD, request.method().name());
        message.setHeader(Exchange.HTTP_PATH, request.path());
        message.setHeader(Exchange.HTTP_URI, request.uri());
        exchange.setIn(message);
        return exchange;
    }

    private void open(WorkerExecutor workers, Exchange exchange, HttpServerResponse response) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        int lastSeen = exchange.getProperty(LAST_SEEN, 0, Integer.class);
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        // CORS as every answer of the port has it (worked out on a message of its own: the request's headers are not copied)
        Message allowed = new DefaultMessage(context);
        cors.apply(allowed, exchange.getProperty(IntakeResponses.ORIGIN, String.class));
        allowed.getHeaders().forEach((name, value) -> response.putHeader(name, String.valueOf(value)));
        // the head at once (a question still queued has nothing to send yet)
        response.write(": events of " + trackingId + "\n\n");
        // in the hub first, then the log read: whatever is written meanwhile reaches the stream one way or the other
        // (the hub sends each event once, after the last one sent)
        StreamHub.Stream stream = new StreamHub.Stream(trackingId, response, lastSeen, () -> { });
        hub.add(stream);
        workers.<Optional<EventLog.Log>>executeBlocking(() -> log.read(trackingId), false)
                .onSuccess(current -> current.ifPresent(c -> hub.catchUp(stream, c)))
                .onFailure(e -> LOG.debug("Event log of {} not read at the stream's start: it waits for the next change",
                        trackingId));
    }

    /** The checks' refusal, as they wrote it: its status, headers and JSON body. */
    private static void refused(Message message, HttpServerResponse response) {
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Map<String, String> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value != null && !name.startsWith("Camel") && !name.startsWith("camel")) {
                headers.put(name, value.toString());
            }
        });
        answer(response, status == null ? 500 : status, headers, message.getBody(String.class));
    }

    private static void answer(HttpServerResponse response, int status, Map<String, String> headers, String body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status);
        headers.forEach(response::putHeader);
        response.end(body == null ? "" : body);
    }
}
