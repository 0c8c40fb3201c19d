package gateway.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import gateway.local.AgentEmulator;
import io.vertx.core.Vertx;

/**
 * The agent emulator with the tests' probes, as {@link ScriptedReceiver} is the local receiver with the tests' script:
 * the calls it saw (in all, per session), the requests in flight and their peak, the order in which InvokeAgent calls
 * started and ended, the calls whose client went away. The emulator itself (in the full jar) keeps none of it.
 */
public class ProbedAgentEmulator extends AgentEmulator {

    /** One start or end of an InvokeAgent call: its place in the log's order, its session and question. */
    public record CallEvent(long order, String sessionId, String inputText, boolean start) {
    }

    static final int MAX_EVENTS = 1000;

    private final AtomicInteger totalCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> callsPerSession = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicInteger abortedCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> abortedPerSession = new ConcurrentHashMap<>();
    private final Map<String, Boolean> streamedAnswers = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();
    private final Deque<CallEvent> events = new ArrayDeque<>();

    public ProbedAgentEmulator() {
        super();
    }

    public ProbedAgentEmulator(Settings settings) {
        super(settings);
    }

    public ProbedAgentEmulator(Settings settings, Vertx vertx) {
        super(settings, vertx);
    }

    @Override
    public ProbedAgentEmulator start(int port) {
        super.start(port);
        return this;
    }

    @Override
    public ProbedAgentEmulator start() {
        return start(0);
    }

    /** Requests seen (InvokeAgent and RetrieveAndGenerate), including failed ones. */
    public int totalCalls() {
        return totalCalls.get();
    }

    /** Requests seen for one session id. */
    public int callsForSession(String sessionId) {
        AtomicInteger n = callsPerSession.get(sessionId);
        return n == null ? 0 : n.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int peakInFlight() {
        return peakInFlight.get();
    }

    /**
     * The latest InvokeAgent calls' starts and ends (their request read, their response over), oldest first: the order in
     * which the agent saw them.
     */
    public synchronized List<CallEvent> callLog() {
        return List.copyOf(events);
    }

    /** InvokeAgent calls with a latency whose client went away (an abort, a timeout) before the answer was finished. */
    public int abortedCalls() {
        return abortedCalls.get();
    }

    /** {@link #abortedCalls()} of one session id. */
    public int abortedCallsForSession(String sessionId) {
        AtomicInteger n = abortedPerSession.get(sessionId);
        return n == null ? 0 : n.get();
    }

    /**
     * Whether the last answer of a session was streamed (its call asked for streamFinalResponse: its chunks spread over
     * time) or sent at once; null when none began.
     */
    public Boolean answerStreamed(String sessionId) {
        return streamedAnswers.get(sessionId);
    }

    /** Forgets all counts (between tests sharing one emulator). */
    @Override
    public void resetCounters() {
        super.resetCounters();
        totalCalls.set(0);
        callsPerSession.clear();
        streamedAnswers.clear();
        synchronized (this) {
            events.clear();
        }
        peakInFlight.set(inFlight.get());
    }

    @Override
    protected void requestStarted() {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    @Override
    protected void requestEnded() {
        inFlight.decrementAndGet();
    }

    @Override
    protected void called(String session, String inputText) {
        totalCalls.incrementAndGet();
        callsPerSession.computeIfAbsent(String.valueOf(session), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    protected void invokeAgentStarted(String sessionId, String inputText) {
        log(sessionId, inputText, true);
    }

    @Override
    protected void invokeAgentEnded(String sessionId, String inputText) {
        log(sessionId, inputText, false);
    }

    @Override
    protected void answering(String sessionId, boolean streamed) {
        streamedAnswers.put(sessionId, streamed);
    }

    @Override
    protected void aborted(String sessionId) {
        abortedCalls.incrementAndGet();
        abortedPerSession.computeIfAbsent(String.valueOf(sessionId), k -> new AtomicInteger()).incrementAndGet();
    }

    private synchronized void log(String sessionId, String inputText, boolean start) {
        events.addLast(new CallEvent(order.incrementAndGet(), sessionId, inputText, start));
        if (events.size() > MAX_EVENTS) {
            events.removeFirst();
        }
    }
}
