package gateway.local;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import gateway.delivery.WebhookSigner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook receiver on loopback, for the dev profile (when no {@code WEBHOOK_URL} is set, so a
 * newcomer sees answers arrive) and for tests.
 *
 * <ul>
 *   <li>{@code POST} on any path is a delivery: it is logged in one line (tracking id, webhook id,
 *       status, signature check; never a secret, the answer nor the path), its Standard Webhooks signature
 *       is checked when secrets were given, and the latest {@code capacity} deliveries are kept in
 *       memory;</li>
 *   <li>{@code POST /slack/…} is a Slack message to an incoming webhook and {@code POST /teams/…} a Teams card to a
 *       workflow URL ({@link Kind}): kept the same way, with no signature to check (the chat services get none), and
 *       answered as the service answers: Slack {@code 200} with the body {@code ok} ({@code 400 invalid_payload} for a
 *       body that is not a JSON object, {@code 400 no_text} for one with neither text nor blocks), a Power Automate
 *       workflow {@code 202} with no body ({@code 400} for a body that is not a JSON object);</li>
 *   <li>{@code GET /deliveries} lists them as JSON (oldest first); {@code GET /} shows them as a
 *       small HTML page (newest first, everything escaped; a chat message as it would read in the chat tool, by
 *       {@link SlackPreview}, {@link TeamsPreview} and {@link PreviewHtml}).</li>
 * </ul>
 * Every delivery gets that usual answer (200 for a webhook) unless a subclass answers otherwise ({@link #nextResponse()};
 * the tests' receiver scripts its answers and waits for deliveries). {@link #stop()} is an outage: from its return on, connections
 * are refused; {@link #start()} listens again on the same port. Requests are handled on a Vert.x event loop without
 * blocking; only {@link #start()} and {@link #stop()} block their caller, and they refuse to run on an event loop.
 */
public class LocalReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalReceiver.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(10);
    private static final String LOOPBACK = "127.0.0.1";

    /**
     * One scripted answer: a status, an optional {@code Retry-After}, an optional delay, an optional plain-text body
     * (without one: {@code {"received":…}} for a webhook, {@code ok} for a Slack 2xx, nothing for Teams or another
     * Slack status).
     */
    public record Response(int status, String retryAfter, Duration delay, String body) {
        public static Response status(int status) {
            return new Response(status, null, Duration.ZERO, null);
        }

        public Response retryAfter(String value) {
            return new Response(status, value, delay, body);
        }

        /** Answer only after {@code delay} (a slow receiver; the wait uses a timer, not a thread). */
        public Response after(Duration value) {
            return new Response(status, retryAfter, value, body);
        }

        /** Answer with this plain-text body (as Slack names its errors: {@code channel_not_found}). */
        public Response withBody(String text) {
            return new Response(status, retryAfter, delay, text);
        }
    }

    /** What a POST is, by its path: a webhook delivery, a Slack message ({@code /slack/…}), a Teams card ({@code /teams/…}). */
    public enum Kind {
        WEBHOOK, SLACK, TEAMS;

        public static Kind of(String path) {
            if (path != null && path.startsWith("/slack/")) {
                return SLACK;
            }
            if (path != null && path.startsWith("/teams/")) {
                return TEAMS;
            }
            return WEBHOOK;
        }

        public boolean chat() {
            return this != WEBHOOK;
        }
    }

    /** A received delivery. Header names are case-insensitive. */
    public record Delivery(Instant receivedAt, String method, String path, Map<String, String> headers,
                           String body, Boolean signatureValid, int respondedStatus) {

        public String header(String name) {
            return headers.get(name);
        }

        /** A webhook delivery, a Slack message or a Teams card, by its path. */
        public Kind kind() {
            return Kind.of(path);
        }

        /** A chat message as it would read in the chat tool; null for a webhook delivery. */
        public ChatPreview preview() {
            return switch (kind()) {
                case SLACK -> SlackPreview.of(payload());
                case TEAMS -> TeamsPreview.of(payload());
                case WEBHOOK -> null;
            };
        }

        public String webhookId() {
            return header(WebhookSigner.HEADER_ID);
        }

        /** The {@code X-Tracking-ID} header, else the payload's {@code tracking_id}, else the one a chat message names. */
        public String trackingId() {
            String fromHeader = header("X-Tracking-ID");
            if (fromHeader != null) {
                return fromHeader;
            }
            String fromPayload = payloadText("tracking_id");
            return fromPayload != null || !kind().chat() ? fromPayload : preview().trackingId();
        }

        /** The body as JSON, or null when it is not JSON. */
        public JsonNode payload() {
            try {
                return body == null || body.isBlank() ? null : MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                return null;
            }
        }

        String payloadText(String field) {
            JsonNode json = payload();
            JsonNode value = json == null ? null : json.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final WebhookSigner signer;
    private final int capacity;
    private final Object lock = new Object();
    private final Deque<Delivery> latest = new ArrayDeque<>();
    private long received;
    private volatile int port;
    private volatile HttpServer server;
    /** The open connections (kept-alive ones too), closed by {@link #stop()}. */
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    /** False from the start of {@link #stop()}: a connection accepted meanwhile is closed at once. */
    private volatile boolean accepting;

    /**
     * @param vertx    the Vert.x instance to run on (not closed by this receiver)
     * @param port     port on 127.0.0.1; 0 picks a free one (kept for restarts)
     * @param secrets  the gateway's signing secrets ({@code whsec_...}, space-separated), or
     *                 null/blank to skip signature checks
     * @param capacity how many of the latest deliveries to keep
     */
    public LocalReceiver(Vertx vertx, int port, String secrets, int capacity) {
        this(vertx, false, port, secrets, capacity);
    }

    /** As above; with {@code ownsVertx} the Vert.x instance is closed by {@link #close()}. */
    protected LocalReceiver(Vertx vertx, boolean ownsVertx, int port, String secrets, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.port = port;
        this.signer = secrets == null || secrets.isBlank() ? null : new WebhookSigner(secrets);
        this.capacity = capacity;
    }

    /** Binds the server (again, on the same port after {@link #stop()}); blocks until listening. */
    public LocalReceiver start() {
        if (server != null) {
            return this;
        }
        accepting = true;
        HttpServer created = vertx.createHttpServer(new HttpServerOptions().setHost(LOOPBACK).setPort(port))
                .connectionHandler(this::track)
                .requestHandler(this::handle);
        await(created.listen());
        port = created.actualPort();
        server = created;
        LOG.info("local webhook receiver listening on {}{}", url(),
                signer == null ? " (signatures not checked)" : " (checking signatures)");
        return this;
    }

    /**
     * An outage: closes the listening socket and every open connection (kept-alive ones, and ones
     * waiting for a delayed answer), and returns only once the port refuses connections, so that a
     * delivery made after this call fails to connect. Kept deliveries stay.
     *
     * <p>Vert.x's {@code close()} alone is not enough: it completes when the listening channel is
     * closed, but with the NIO transport the socket itself is released only at the event loop's next
     * select; until then the kernel still accepts connections (then resets them: a client sees an
     * empty response instead of a refused connection), and the accepted connections are closed
     * without being waited for.
     */
    public void stop() {
        HttpServer current = server;
        if (current != null) {
            accepting = false;
            server = null;
            await(current.close());
            closeConnectionsAndAwaitRefusal();
            LOG.info("local webhook receiver on port {} stopped", port);
        }
    }

    private void track(HttpConnection connection) {
        connections.add(connection);
        connection.closeHandler(v -> connections.remove(connection));
        if (!accepting) {
            // accepted while stopping: this is an outage
            connection.close();
        }
    }

    private void closeConnectionsAndAwaitRefusal() {
        long deadline = System.nanoTime() + BLOCK_TIMEOUT.toNanos();
        while (true) {
            for (HttpConnection connection : List.copyOf(connections)) {
                await(connection.close().otherwiseEmpty());
                connections.remove(connection);
            }
            if (connections.isEmpty() && refusesConnections()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.warn("local webhook receiver: port {} still accepts connections {} after stop", port, BLOCK_TIMEOUT);
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** True when a connection to the port is refused (nothing listens any more). */
    private boolean refusesConnections() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(LOOPBACK, port), 1000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException e) {
            // e.g. a timeout: not refused yet
            return false;
        }
    }

    @Override
    public void close() {
        stop();
        if (ownsVertx) {
            await(vertx.close());
        }
    }

    public int port() {
        return port;
    }

    /** Where to deliver: {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://" + LOOPBACK + ":" + port + "/";
    }

    public boolean isRunning() {
        return server != null;
    }

    /** The latest deliveries, oldest first. */
    public List<Delivery> deliveries() {
        synchronized (lock) {
            return List.copyOf(latest);
        }
    }

    /** How many deliveries arrived since start or {@link #clear()}, including ones no longer kept. */
    public long receivedCount() {
        synchronized (lock) {
            return received;
        }
    }

    /** Forgets kept deliveries and the count. */
    public void clear() {
        synchronized (lock) {
            latest.clear();
            received = 0;
        }
    }

    /**
     * The answer to the delivery that just arrived (on the event loop); null (here, unless a subclass says otherwise)
     * for the usual answer of its {@link Kind}: 200 for a webhook, Slack's and Teams' own answers for a chat message.
     */
    protected Response nextResponse() {
        return null;
    }

    /** The answer Slack or a Teams workflow gives to this body; 200 for a webhook. */
    static Response usualAnswer(Kind kind, JsonNode payload) {
        boolean object = payload != null && payload.isObject();
        return switch (kind) {
            case WEBHOOK -> Response.status(200);
            case SLACK -> !object ? Response.status(400).withBody("invalid_payload")
                    : payload.path("text").asText("").isBlank() && payload.path("blocks").isEmpty()
                    ? Response.status(400).withBody("no_text") : Response.status(200).withBody("ok");
            case TEAMS -> object ? Response.status(202) : Response.status(400);
        };
    }

    /** Called (on the event loop, after it is kept and counted) for each delivery. */
    protected void delivered(Delivery delivery) {
    }

    // ---- request handling (event loop; never blocks) ----

    private void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.POST) {
            request.body().onSuccess(body -> receive(request, body))
                    .onFailure(e -> request.response().setStatusCode(400).end());
        } else if (request.method() == HttpMethod.GET && "/deliveries".equals(request.path())) {
            request.response().putHeader("Content-Type", "application/json").end(deliveriesJson());
        } else if (request.method() == HttpMethod.GET && "/".equals(request.path())) {
            request.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html());
        } else if (request.method() == HttpMethod.GET) {
            request.response().setStatusCode(404).end();
        } else {
            request.response().setStatusCode(405).putHeader("Allow", "GET, POST").end();
        }
    }

    private void receive(HttpServerRequest request, Buffer buffer) {
        String body = buffer.toString(StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.headers().names().forEach(name -> headers.put(name, String.join(", ", request.headers().getAll(name))));
        Kind kind = Kind.of(request.path());
        Boolean valid = null;
        String check = kind.chat() ? "none" : "unchecked";
        if (signer != null && !kind.chat()) {
            WebhookSigner.Verification verification = signer.check(headers.get(WebhookSigner.HEADER_ID),
                    headers.get(WebhookSigner.HEADER_TIMESTAMP), body, headers.get(WebhookSigner.HEADER_SIGNATURE));
            valid = verification.isValid();
            check = verification.name().toLowerCase(Locale.ROOT);
        }
        Response scripted = nextResponse();
        Response answer = scripted != null ? scripted : usualAnswer(kind, parse(body));
        Delivery delivery = new Delivery(Instant.now(), request.method().name(), request.path(),
                Collections.unmodifiableMap(headers), body, valid, answer.status());
        synchronized (lock) {
            latest.addLast(delivery);
            while (latest.size() > capacity) {
                latest.removeFirst();
            }
            received++;
        }
        delivered(delivery);
        if (kind.chat()) {
            LOG.info("{} message received: tracking_id={} answered={}", kind == Kind.SLACK ? "Slack" : "Teams",
                    delivery.trackingId(), answer.status());
        } else {
            LOG.info("webhook delivery received: tracking_id={} webhook_id={} status={} signature={} answered={}",
                    delivery.trackingId(), delivery.webhookId(), delivery.payloadText("status"), check, answer.status());
        }

        Response chosen = answer;
        Runnable reply = () -> {
            if (request.response().closed()) {
                return; // the receiver was stopped while this answer waited
            }
            var response = request.response().setStatusCode(chosen.status());
            if (chosen.retryAfter() != null) {
                response.putHeader("Retry-After", chosen.retryAfter());
            }
            if (chosen.status() == 204 || chosen.status() == 304) {
                response.end();
            } else if (chosen.body() != null) {
                response.putHeader("Content-Type", "text/plain; charset=utf-8").end(chosen.body());
            } else if (kind == Kind.SLACK && chosen.status() / 100 == 2) {
                response.putHeader("Content-Type", "text/plain; charset=utf-8").end("ok");
            } else if (kind.chat()) {
                response.end();
            } else {
                response.putHeader("Content-Type", "application/json")
                        .end("{\"received\":" + (chosen.status() / 100 == 2) + "}");
            }
        };
        if (chosen.delay() == null || chosen.delay().isZero() || chosen.delay().isNegative()) {
            reply.run();
        } else {
            vertx.setTimer(Math.max(1, chosen.delay().toMillis()), id -> reply.run());
        }
    }

    public String deliveriesJson() {
        ArrayNode list = MAPPER.createArrayNode();
        for (Delivery d : deliveries()) {
            ObjectNode item = list.addObject();
            item.put("received_at", d.receivedAt().toString());
            item.put("method", d.method());
            item.put("path", d.path());
            item.put("tracking_id", d.trackingId());
            item.put("webhook_id", d.webhookId());
            if (d.signatureValid() == null) {
                item.putNull("signature_valid");
            } else {
                item.put("signature_valid", d.signatureValid());
            }
            item.put("responded_status", d.respondedStatus());
            ObjectNode headers = item.putObject("headers");
            d.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT),
                    "authorization".equalsIgnoreCase(name) ? "***" : value));
            item.put("body", d.body());
            JsonNode payload = d.payload();
            if (payload != null) {
                item.set("payload", payload);
            }
        }
        return list.toString();
    }

    public String html() {
        List<Delivery> newestFirst = new ArrayList<>(deliveries());
        Collections.reverse(newestFirst);
        StringBuilder page = new StringBuilder(4096);
        page.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Webhook deliveries</title><style>body{font-family:sans-serif;margin:2em}")
                .append("section{border:1px solid #ccc;border-radius:6px;padding:1em;margin:1em 0}")
                .append("pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}.bad{color:#b00}")
                .append(PreviewHtml.STYLE).append("</style></head><body>")
                .append("<h1>Webhook deliveries</h1><p>")
                .append(newestFirst.size()).append(" kept (of ").append(receivedCount()).append(" received), newest first; <a href=\"\">reload</a> for newer ones. ")
                .append("JSON: <a href=\"/deliveries\">/deliveries</a></p>");
        for (Delivery d : newestFirst) {
            if (d.kind().chat()) {
                chatSection(d, page);
                continue;
            }
            JsonNode payload = d.payload();
            String plain = payload == null ? null : text(payload.at("/ai_response/response_plain"));
            String signature = d.signatureValid() == null ? "not checked"
                    : d.signatureValid() ? "valid" : "<span class=\"bad\">INVALID</span>";
            page.append("<section><h2>").append(escape(String.valueOf(d.payloadText("status"))))
                    .append(" &middot; ").append(escape(String.valueOf(d.trackingId()))).append("</h2><p>")
                    .append("received ").append(escape(d.receivedAt().toString()))
                    .append(" &middot; webhook-id ").append(escape(String.valueOf(d.webhookId())))
                    .append(" &middot; signature ").append(signature)
                    .append(" &middot; answered ").append(d.respondedStatus()).append("</p>");
            if (payload != null) {
                page.append("<p><b>Query:</b> ").append(escape(String.valueOf(text(payload.get("original_query")))))
                        .append("</p>");
            }
            if (plain != null) {
                page.append("<h3>Answer</h3><pre>").append(escape(plain)).append("</pre>");
            }
            page.append("<details><summary>Body</summary><pre>").append(escape(pretty(d.body(), payload)))
                    .append("</pre></details></section>");
        }
        return page.append("</body></html>").toString();
    }

    /** A Slack message or a Teams card: as it would read in the chat tool, then its body. */
    private static void chatSection(Delivery d, StringBuilder page) {
        ChatPreview preview = d.preview();
        String trackingId = preview.trackingId();
        page.append("<section><h2>").append(preview.tool()).append(" message")
                .append(trackingId == null ? "" : " &middot; " + escape(trackingId)).append("</h2><p>")
                .append("received ").append(escape(d.receivedAt().toString()))
                .append(" &middot; no signature (").append(preview.tool()).append(" gets none)")
                .append(" &middot; answered ").append(d.respondedStatus()).append("</p>")
                .append(PreviewHtml.of(preview))
                .append("<details><summary>Body</summary><pre>").append(escape(pretty(d.body(), d.payload())))
                .append("</pre></details></section>");
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static String pretty(String body, JsonNode payload) {
        if (payload == null) {
            return body == null ? "" : body;
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return body;
        }
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    // ---- blocking helpers for callers outside the event loop ----

    private static void requireNotOnEventLoop() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("this call blocks; do not make it on a Vert.x event loop");
        }
    }

    private static <T> T await(Future<T> future) {
        requireNotOnEventLoop();
        try {
            return future.toCompletionStage().toCompletableFuture().get(BLOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("local webhook receiver: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("local webhook receiver: no answer within " + BLOCK_TIMEOUT, e);
        }
    }
}
