package gateway.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback Bedrock Agent Runtime that speaks the real wire protocol, so the real SDK client runs
 * against it unchanged (endpointOverride = {@link #baseUrl()}):
 * <ul>
 *   <li>InvokeAgent: {@code POST /agents/{agentId}/agentAliases/{aliasId}/sessions/{sessionId}/text},
 *       answered with {@code application/vnd.amazon.eventstream} {@code trace} events (the steps of its work, one of
 *       each kind in turn: {@link EmulatorTraces}) and {@code chunk} events, streamed over time when the call asks for
 *       {@code streamingConfigurations.streamFinalResponse};</li>
 *   <li>RetrieveAndGenerate: {@code POST /retrieveAndGenerate}, answered with JSON.</li>
 * </ul>
 * Errors are HTTP statuses with {@code x-amzn-ErrorType}, or exception frames inside the stream.
 * Every answer ends with {@code Session turn: N} (the answered questions of its session, this one included) and,
 * when the InvokeAgent call's {@code sessionState} carried them, {@code Session attributes: k=v, ...} and
 * {@code Prompt session attributes: k=v, ...} ({@link EmulatorAnswers#sessionLines}).
 * Behaviour comes from {@link Settings} and, per request, from directives in the question text
 * (see {@link EmulatorDirectives}). Latency is a Vert.x timer: a thousand slow calls need no
 * thread each.
 */
public class AgentEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentEmulator.class);
    private static final Pattern INVOKE_AGENT =
            Pattern.compile("^/agents/([^/]+)/agentAliases/([^/]+)/sessions/([^/]+)/text$");

    /** Default behaviour; directives in a question override it for that request. */
    public record Settings(long latencyMillis, int chunkSize, int throttleFirstN, boolean failValidation,
                           int midStreamErrorFirstN, boolean splitMultiByte) {

        public static Settings defaults() {
            return new Settings(0, 64, 0, false, 0, false);
        }

        public Settings withLatencyMillis(long v) {
            return new Settings(v, chunkSize, throttleFirstN, failValidation, midStreamErrorFirstN, splitMultiByte);
        }

        public Settings withChunkSize(int v) {
            return new Settings(latencyMillis, v, throttleFirstN, failValidation, midStreamErrorFirstN, splitMultiByte);
        }

        public Settings withThrottleFirstN(int v) {
            return new Settings(latencyMillis, chunkSize, v, failValidation, midStreamErrorFirstN, splitMultiByte);
        }

        public Settings withFailValidation(boolean v) {
            return new Settings(latencyMillis, chunkSize, throttleFirstN, v, midStreamErrorFirstN, splitMultiByte);
        }

        public Settings withMidStreamErrorFirstN(int v) {
            return new Settings(latencyMillis, chunkSize, throttleFirstN, failValidation, v, splitMultiByte);
        }

        public Settings withSplitMultiByte(boolean v) {
            return new Settings(latencyMillis, chunkSize, throttleFirstN, failValidation, midStreamErrorFirstN, v);
        }
    }

    private final Settings settings;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private HttpServer server;

    // the emulator's own state: a directive such as throttle=2 counts the calls of a session, an answer its turns
    private final Map<String, AtomicInteger> callsPerSession = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> turnsPerSession = new ConcurrentHashMap<>();

    public AgentEmulator() {
        this(Settings.defaults());
    }

    public AgentEmulator(Settings settings) {
        this(settings, null);
    }

    /** Uses the given Vert.x instance (not closed on stop), or its own when null. */
    public AgentEmulator(Settings settings, Vertx vertx) {
        this.settings = settings;
        this.ownsVertx = vertx == null;
        this.vertx = vertx != null ? vertx : Vertx.vertx();
    }

    /** Listens on 127.0.0.1; port 0 picks a free port. */
    public AgentEmulator start(int port) {
        try {
            server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                    .requestHandler(this::handle)
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("agent emulator could not listen on 127.0.0.1:" + port, e);
        }
        LOG.info("Agent emulator listening on {}", baseUrl());
        return this;
    }

    public AgentEmulator start() {
        return start(0);
    }

    public void stop() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                server = null;
            }
            if (ownsVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("Agent emulator did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Questions of one session answered so far: what its next answer's {@code Session turn} line counts from. A
     * call refused before answering (throttled, invalid...) or whose stream broke is no turn: its retry is the
     * same question.
     */
    public int turnsForSession(String sessionId) {
        AtomicInteger n = turnsPerSession.get(sessionId);
        return n == null ? 0 : n.get();
    }

    // --- what happens, for a subclass that watches (the tests' gateway.testing.ProbedAgentEmulator): nothing here ---

    /** A request arrived (any operation); {@link #requestEnded} follows once, when its response is over or gone. */
    protected void requestStarted() {
    }

    /** The request that {@link #requestStarted} announced is over (answered, failed, or its client gone). */
    protected void requestEnded() {
    }

    /** A call (InvokeAgent or RetrieveAndGenerate) was read: its session (or its text, without one) and question. */
    protected void called(String session, String inputText) {
    }

    /** An InvokeAgent call's request was read: its session and question ({@link #invokeAgentEnded} follows once). */
    protected void invokeAgentStarted(String sessionId, String inputText) {
    }

    /** The InvokeAgent call that {@link #invokeAgentStarted} announced is over: its response ended or its client went away. */
    protected void invokeAgentEnded(String sessionId, String inputText) {
    }

    /** An InvokeAgent call's answer begins: its chunks spread over time ({@code streamed}: streamFinalResponse) or at once. */
    protected void answering(String sessionId, boolean streamed) {
    }

    /** An InvokeAgent call with a latency whose client went away before its answer was finished. */
    protected void aborted(String sessionId) {
    }

    /** Forgets the sessions' calls and turns (between tests sharing one emulator). */
    public void resetCounters() {
        callsPerSession.clear();
        turnsPerSession.clear();
    }

    private void handle(HttpServerRequest req) {
        requestStarted();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Runnable> callEnd = new AtomicReference<>(() -> { });
        Runnable leave = () -> {
            if (done.compareAndSet(false, true)) {
                requestEnded();
                callEnd.get().run();
            }
        };
        req.response().endHandler(v -> leave.run());
        req.response().closeHandler(v -> leave.run());
        req.connection().closeHandler(v -> leave.run());

        Matcher agent = INVOKE_AGENT.matcher(req.path());
        if (req.method() == HttpMethod.POST && agent.matches()) {
            String agentId = decode(agent.group(1));
            String aliasId = decode(agent.group(2));
            String sessionId = decode(agent.group(3));
            req.body().onSuccess(body -> {
                JsonObject json = parse(body);
                String inputText = json == null ? null : json.getString("inputText");
                invokeAgentStarted(sessionId, inputText);
                callEnd.set(() -> invokeAgentEnded(sessionId, inputText));
                invokeAgent(req, agentId, aliasId, sessionId, json, inputText);
            }).onFailure(e -> leave.run());
        } else if (req.method() == HttpMethod.POST && "/retrieveAndGenerate".equals(req.path())) {
            req.body().onSuccess(body -> retrieveAndGenerate(req, body)).onFailure(e -> leave.run());
        } else {
            error(req.response(), 404, "UnknownOperationException", "No such operation: " + req.method() + " " + req.path());
        }
    }

    private void invokeAgent(HttpServerRequest req, String agentId, String aliasId, String sessionId, JsonObject json,
            String inputText) {
        boolean enableTrace = json != null && Boolean.TRUE.equals(json.getBoolean("enableTrace"));
        int call = count(sessionId, inputText);
        HttpServerResponse resp = req.response();
        if (inputText == null) {
            error(resp, 400, "ValidationException", "inputText is required");
            return;
        }
        EmulatorDirectives d = directives(resp, inputText);
        if (d == null || failBeforeAnswer(resp, d, call)) {
            return;
        }
        resp.setStatusCode(200)
                .putHeader("Content-Type", "application/vnd.amazon.eventstream")
                .putHeader("x-amzn-bedrock-agent-content-type", "application/json")
                .putHeader("x-amz-bedrock-agent-session-id", sessionId)
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .setChunked(true);
        // the steps (trace events) spread over their time, then the answer: all its chunks at once at the answer's
        // time, or, when the call asked for streamFinalResponse, spread from the last step to the answer's time
        boolean streamAnswer = streamFinalResponse(json);
        long start = System.nanoTime();
        List<Timed> plan = new ArrayList<>();
        if (enableTrace) {
            List<JsonObject> steps = EmulatorTraces.steps(d.steps(), inputText);
            for (int i = 0; i < steps.size(); i++) {
                JsonObject step = steps.get(i);
                plan.add(new Timed(d.stepAt(i), () -> resp.write(EventStreamFrames.trace(tracePart(agentId, aliasId, sessionId, step)))));
            }
        }
        long answerAt = d.answerAt();
        plan.add(new Timed(d.answerFrom(streamAnswer), () -> {
            answering(sessionId, streamAnswer);
            if (enableTrace) {
                resp.write(EventStreamFrames.trace(tracePart(agentId, aliasId, sessionId, EmulatorTraces.finish(d.steps()))));
            }
            String answer = EmulatorAnswers.markdown(inputText, d.answerBytes(), nextTurn(sessionId),
                    sessionAttributes(json, "sessionAttributes"), sessionAttributes(json, "promptSessionAttributes"));
            List<byte[]> chunks = EmulatorAnswers.chunks(answer.getBytes(StandardCharsets.UTF_8), d.chunkSize(), d.splitMultiByte());
            boolean streamError = call <= d.streamErrorFirstN();
            boolean drop = call <= d.dropFirstN();
            int send = Math.min(chunks.size(), streamError || drop ? Math.max(1, chunks.size() / 2) : chunks.size());
            List<Timed> answerPlan = new ArrayList<>();
            for (int i = 0; i < send; i++) {
                byte[] chunk = chunks.get(i);
                answerPlan.add(new Timed(d.chunkAt(i, send, streamAnswer), () -> resp.write(EventStreamFrames.chunk(chunk))));
            }
            answerPlan.add(new Timed(answerAt, () -> {
                if (drop) {
                    // a network break: half of the next frame, then the connection is gone
                    Buffer next = EventStreamFrames.chunk(chunks.get(Math.min(send, chunks.size() - 1)));
                    resp.write(next.getBuffer(0, next.length() / 2));
                    req.connection().close();
                    return;
                }
                if (streamError) {
                    resp.write(EventStreamFrames.exception(d.streamErrorType(), "Emulated " + d.streamErrorType() + " in the stream"));
                } else {
                    answered(sessionId);
                }
                resp.end();
            }));
            run(resp, start, answerPlan, 0);
        }));
        watchForAbort(resp, sessionId, answerAt);
        run(resp, start, plan, 0);
    }

    /** Something the emulator does {@code at} milliseconds after a call began. */
    private record Timed(long at, Runnable action) {
    }

    /**
     * Does the plan's actions in their order, each when it is due (milliseconds after {@code start}): what is due at
     * once, then one Vert.x timer for the next. Stops when the client is gone (a timeout) or the response is over.
     */
    private void run(HttpServerResponse resp, long start, List<Timed> plan, int from) {
        for (int i = from; i < plan.size(); i++) {
            if (resp.closed() || resp.ended()) {
                return;
            }
            long wait = plan.get(i).at() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (wait > 0) {
                int next = i;
                vertx.setTimer(wait, id -> run(resp, start, plan, next));
                return;
            }
            plan.get(i).action().run();
        }
    }

    /** Whether the InvokeAgent request asked for {@code streamingConfigurations.streamFinalResponse}. */
    static boolean streamFinalResponse(JsonObject request) {
        JsonObject streaming = request == null ? null : request.getJsonObject("streamingConfigurations");
        return streaming != null && Boolean.TRUE.equals(streaming.getBoolean("streamFinalResponse"));
    }

    // --- aborted calls: the client went away before the answer was finished ---

    /**
     * While a slow answer is being prepared, looks every {@link #ABORT_CHECK_MS} whether the client is gone (the
     * response closed before it ended) and counts that call aborted at once, not only when its answer would be due.
     * (A look of its own, not a close handler: the request's handlers are the in-flight count's.)
     */
    private void watchForAbort(HttpServerResponse resp, String sessionId, long latencyMillis) {
        if (latencyMillis <= 0) {
            return;
        }
        vertx.setPeriodic(ABORT_CHECK_MS, timer -> {
            if (resp.ended()) {
                vertx.cancelTimer(timer);
            } else if (resp.closed()) {
                vertx.cancelTimer(timer);
                aborted(sessionId);
                LOG.debug("Agent emulator: session {} aborted by its client before the answer", sessionId);
            }
        });
    }

    private static final long ABORT_CHECK_MS = 50;

    private void retrieveAndGenerate(HttpServerRequest req, Buffer body) {
        JsonObject json = parse(body);
        JsonObject input = json == null ? null : json.getJsonObject("input");
        String text = input == null ? null : input.getString("text");
        String sessionId = json == null ? null : json.getString("sessionId");
        int call = count(sessionId != null ? sessionId : "text:" + text, text);
        HttpServerResponse resp = req.response();
        if (text == null) {
            error(resp, 400, "ValidationException", "input.text is required");
            return;
        }
        EmulatorDirectives d = directives(resp, text);
        if (d == null || failBeforeAnswer(resp, d, call)) {
            return;
        }
        String answerSession = sessionId != null ? sessionId : UUID.randomUUID().toString();
        later(d.latencyMillis(), () -> {
            if (resp.closed() || resp.ended()) {
                return;
            }
            JsonObject answer = new JsonObject()
                    .put("output", new JsonObject().put("text", EmulatorAnswers.markdown(text, d.answerBytes(),
                            nextTurn(answerSession), Map.of(), Map.of())))
                    .put("sessionId", answerSession)
                    .put("citations", new JsonArray());
            answered(answerSession);
            resp.setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                    .end(answer.encode());
        });
    }

    /** The request's directives, or null after answering 400 for a malformed one. */
    private EmulatorDirectives directives(HttpServerResponse resp, String text) {
        try {
            return EmulatorDirectives.parse(text, settings);
        } catch (NumberFormatException e) {
            error(resp, 400, "ValidationException", "Malformed emulator directive: " + e.getMessage());
            return null;
        }
    }

    /** The AWS account id the emulated AccessDenied names (as a real one names the caller's). */
    public static final String EMULATED_ACCOUNT = "210987654321";

    /** Answers with an HTTP error when the directives say so; true when it did. */
    private boolean failBeforeAnswer(HttpServerResponse resp, EmulatorDirectives d, int call) {
        if (d.validation()) {
            error(resp, 400, "ValidationException", "Emulated validation failure");
        } else if (d.accessDenied()) {
            // worded as AWS words it: the account, the role and the alias, which a caller must never be shown
            error(resp, 403, "AccessDeniedException", "User: arn:aws:sts::" + EMULATED_ACCOUNT + ":assumed-role/gateway-role/"
                    + "emulated is not authorized to perform: bedrock:InvokeAgent on resource: arn:aws:bedrock:us-east-1:"
                    + EMULATED_ACCOUNT + ":agent-alias/EMULATED/EMULATED because no identity-based policy allows the action");
        } else if (d.notFound()) {
            error(resp, 404, "ResourceNotFoundException", "Emulated agent not found");
        } else if (call <= d.internalErrorFirstN()) {
            error(resp, 500, "InternalServerException", "Emulated internal server error");
        } else if (call <= d.throttleFirstN()) {
            error(resp, 429, "ThrottlingException", "Emulated throttling: rate exceeded");
        } else {
            return false;
        }
        return true;
    }

    /** The turn an answer of this session now is: the answered ones so far, plus this one. */
    private int nextTurn(String sessionId) {
        return turnsForSession(sessionId) + 1;
    }

    /** The answer of a turn went out whole. */
    private void answered(String sessionId) {
        turnsPerSession.computeIfAbsent(sessionId, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * One map of the InvokeAgent request's {@code sessionState} ({@code sessionAttributes} or
     * {@code promptSessionAttributes}), as the SDK sends it: {@code {"inputText":..., "sessionState":{...}}}.
     * Empty when absent.
     */
    static Map<String, String> sessionAttributes(JsonObject request, String kind) {
        JsonObject state = request == null ? null : request.getJsonObject("sessionState");
        JsonObject attributes = state == null ? null : state.getJsonObject(kind);
        Map<String, String> out = new TreeMap<>();
        if (attributes != null) {
            attributes.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return out;
    }

    private int count(String key, String inputText) {
        called(key, inputText);
        return callsPerSession.computeIfAbsent(String.valueOf(key), k -> new AtomicInteger()).incrementAndGet();
    }

    private void later(long millis, Runnable action) {
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }

    private static JsonObject tracePart(String agentId, String aliasId, String sessionId, JsonObject trace) {
        return new JsonObject()
                .put("agentId", agentId)
                .put("agentAliasId", aliasId)
                .put("sessionId", sessionId)
                .put("agentVersion", "1")
                .put("trace", trace);
    }

    private static void error(HttpServerResponse resp, int status, String type, String message) {
        resp.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("x-amzn-ErrorType", type)
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .end(new JsonObject().put("message", message).encode());
    }

    private static JsonObject parse(Buffer body) {
        try {
            return body == null || body.length() == 0 ? null : body.toJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String decode(String pathSegment) {
        return URLDecoder.decode(pathSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
