package gateway.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import gateway.local.AgentEmulator;
import gateway.local.EmulatorAnswers;
import gateway.testing.ProbedAgentEmulator;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The component in a plain Camel context, with the real SDK client, against the emulator. */
class BedrockAgentComponentTest {

    static ProbedAgentEmulator emulator;
    static CamelContext context;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        emulator = new ProbedAgentEmulator(AgentEmulator.Settings.defaults().withChunkSize(32)).start();
        String agent = "bedrock-agent:AGENT1?aliasId=ALIAS1&anonymousCredentials=true&endpointOverride=" + emulator.baseUrl();
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:agent").routeId("agent").to(agent + "&timeout=10s").id("invoke-agent");
                from("direct:retrying").routeId("agent-retrying")
                        .onException(RetryableAgentException.class).maximumRedeliveries(3).redeliveryDelay(10).end()
                        .to(agent + "&timeout=10s");
                from("direct:small").to(agent + "&maxAnswerBytes=1000");
                from("direct:impatient").to(agent + "&timeout=300");
                from("direct:no-trace").to(agent + "&enableTrace=false&maxTraceEvents=0");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        context.stop();
        emulator.stop();
    }

    private static Exchange send(String uri, String body, String sessionId) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        if (sessionId != null) {
            exchange.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, sessionId);
        }
        return template.send(uri, exchange);
    }

    private static String session() {
        return "t-" + UUID.randomUUID();
    }

    private static BedrockAgentComponent component() {
        return context.getComponent("bedrock-agent", BedrockAgentComponent.class);
    }

    @Test
    void answersWithSessionDurationAndTraceHeaders() {
        Exchange exchange = template.send("direct:agent", e -> {
            e.getMessage().setBody("What deals are closing this quarter?");
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, "track-123");
        });

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(String.class))
                .isEqualTo(EmulatorAnswers.markdown("What deals are closing this quarter?", 0));
        assertThat(exchange.getMessage().getHeader(BedrockAgentConstants.SESSION_ID)).isEqualTo("track-123");
        assertThat(exchange.getMessage().getHeader(BedrockAgentConstants.DURATION_MILLIS, Long.class)).isNotNegative();
        assertThat(exchange.getMessage().getHeader(BedrockAgentConstants.TRACE_COUNT)).isEqualTo(2);
        assertThat(exchange.getMessage().getHeader(BedrockAgentConstants.TRACE_SUMMARY, List.class)).hasSize(2);
        assertThat(emulator.callsForSession("track-123")).isEqualTo(1);
        assertThat(component().inFlight()).isZero();
    }

    @Test
    void sessionHeaderIsUsedAndARandomIdIsTheLastResortNeverAnApplicationHeader() {
        Exchange explicit = template.send("direct:no-trace", e -> {
            e.getMessage().setBody("Hi");
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, "explicit-1");
            e.getMessage().setHeader("tracking_id", "ignored");
        });
        // the component knows only its own headers: the route sets the session from the tracking id
        Exchange random = template.send("direct:no-trace", e -> {
            e.getMessage().setBody("Hi");
            e.getMessage().setHeader("tracking_id", "not-a-session");
        });

        assertThat(explicit.getMessage().getHeader(BedrockAgentConstants.SESSION_ID)).isEqualTo("explicit-1");
        assertThat(explicit.getMessage().getHeader(BedrockAgentConstants.TRACE_COUNT)).isEqualTo(0);
        assertThat(emulator.callsForSession("explicit-1")).isEqualTo(1);
        String randomId = random.getMessage().getHeader(BedrockAgentConstants.SESSION_ID, String.class);
        assertThat(UUID.fromString(randomId)).isNotNull();
        assertThat(emulator.callsForSession(randomId)).isEqualTo(1);
        assertThat(emulator.callsForSession("not-a-session")).isZero();
    }

    @Test
    void sessionAttributeHeadersAreSentAsTheCallsSessionState() {
        String session = session();
        Exchange exchange = template.send("direct:no-trace", e -> {
            e.getMessage().setBody("With attributes");
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, session);
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ATTRIBUTES, Map.of("region", "emea", "seats", 12));
            e.getMessage().setHeader(BedrockAgentConstants.PROMPT_SESSION_ATTRIBUTES, Map.of("today", "Monday"));
        });
        Exchange empty = template.send("direct:no-trace", e -> {
            e.getMessage().setBody("Empty maps");
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, session);
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ATTRIBUTES, Map.of());
        });

        assertThat(exchange.getMessage().getBody(String.class))
                .endsWith("Session turn: 1\nSession attributes: region=emea, seats=12\nPrompt session attributes: today=Monday\n");
        assertThat(empty.getMessage().getBody(String.class)).endsWith("\n\nSession turn: 2\n");
    }

    @Test
    void throttledTwiceThenAnsweredWhenTheRouteRetries() {
        String session = session();
        Exchange exchange = send("direct:retrying", "Pipeline please [emulator:throttle=2]", session);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(String.class)).contains("You asked: \"Pipeline please\"");
        assertThat(emulator.callsForSession(session)).isEqualTo(3);
    }

    @Test
    void throttlingIsARetryableErrorWithItsCodeAndStatus() {
        String session = session();
        for (int call = 1; call <= 2; call++) {
            Exchange failed = send("direct:agent", "Q [emulator:throttle=2]", session);
            assertThat(failed.getException()).isInstanceOf(RetryableAgentException.class);
            AgentCallException error = failed.getException(AgentCallException.class);
            assertThat(error.errorCode()).isEqualTo("ThrottlingException");
            assertThat(error.httpStatus()).isEqualTo(429);
            assertThat(error.retryable()).isTrue();
        }
        Exchange third = send("direct:agent", "Q [emulator:throttle=2]", session);
        assertThat(third.getException()).isNull();
        assertThat(emulator.callsForSession(session)).isEqualTo(3);
    }

    @Test
    void validationIsPermanentAndNotRetried() {
        String session = session();
        Exchange exchange = send("direct:retrying", "Bad [emulator:validation]", session);

        assertThat(exchange.getException()).isInstanceOf(PermanentAgentException.class);
        AgentCallException error = exchange.getException(AgentCallException.class);
        assertThat(error.errorCode()).isEqualTo("ValidationException");
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.getMessage()).doesNotContain("Bad ");
        assertThat(emulator.callsForSession(session)).isEqualTo(1);
    }

    @Test
    void accessDeniedIsPermanent() {
        Exchange exchange = send("direct:retrying", "Q [emulator:access-denied]", session());

        assertThat(exchange.getException(AgentCallException.class).errorCode()).isEqualTo("AccessDeniedException");
        assertThat(exchange.getException()).isInstanceOf(PermanentAgentException.class);
    }

    @Test
    void streamErrorIsRetryableAndTheNextAnswerIsNotDuplicated() {
        String question = "Tell me more [emulator:stream-error=1]";
        String session = session();
        Exchange failed = send("direct:agent", question, session);

        assertThat(failed.getException()).isInstanceOf(RetryableAgentException.class);
        assertThat(failed.getException(AgentCallException.class).errorCode()).isEqualTo("InternalServerException");

        Exchange next = send("direct:agent", question, session);
        assertThat(next.getException()).isNull();
        assertThat(next.getMessage().getBody(String.class)).isEqualTo(EmulatorAnswers.markdown(question, 0));
        assertThat(emulator.callsForSession(session)).isEqualTo(2);
    }

    @Test
    void streamErrorRetriedByTheRouteGivesTheAnswerOnce() {
        String question = "Again [emulator:stream-error=1]";
        String session = session();
        Exchange exchange = send("direct:retrying", question, session);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(String.class)).isEqualTo(EmulatorAnswers.markdown(question, 0));
        assertThat(emulator.callsForSession(session)).isEqualTo(2);
    }

    @Test
    void droppedConnectionIsARetryableConnectionError() {
        Exchange exchange = send("direct:agent", "Q [emulator:drop=1]", session());

        assertThat(exchange.getException()).isInstanceOf(RetryableAgentException.class);
        assertThat(exchange.getException(AgentCallException.class).errorCode()).isEqualTo("ConnectionError");
    }

    @Test
    void multiByteCharactersSplitAcrossChunksArriveIntact() {
        String question = "Umlauts ü and € please [emulator:split-utf8][emulator:chunk-size=7]";
        Exchange exchange = send("direct:agent", question, session());

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getBody(String.class))
                .isEqualTo(EmulatorAnswers.markdown(question, 0))
                .contains("😀", "€", "Jürgen Müller", "Umlauts ü and € please")
                .doesNotContain("\uFFFD");
    }

    @Test
    void answerTooLargeIsPermanent() {
        Exchange exchange = send("direct:small", "Long one [emulator:answer-bytes=50000]", session());

        assertThat(exchange.getException()).isInstanceOf(PermanentAgentException.class);
        assertThat(exchange.getException(AgentCallException.class).errorCode()).isEqualTo("AnswerTooLarge");
        assertThat(component().inFlight()).isZero();
    }

    @Test
    void slowAgentTimesOutAsRetryable() {
        Exchange exchange = send("direct:impatient", "Slow [emulator:latency=3000]", session());

        assertThat(exchange.getException()).isInstanceOf(RetryableAgentException.class);
        // the endpoint's 300 ms timeout ended the call: the agent's answer, due after 3 s, would have made it
        // succeed. The time it took is only bounded below (with slack): a busy machine makes it longer
        assertThat(exchange.getException(AgentCallException.class).errorCode()).isEqualTo("Timeout");
        assertThat(exchange.getMessage().getHeader(BedrockAgentConstants.DURATION_MILLIS, Long.class)).isGreaterThanOrEqualTo(150L);
    }

    @Test
    void twoHundredSlowCallsRunConcurrentlyWithoutAThreadEach() throws Exception {
        int calls = 200;
        AsyncProcessor direct = AsyncProcessorConverterHelper.convert(context.getEndpoint("direct:agent").createProducer());
        warmUp(direct, calls);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        CountDownLatch done = new CountDownLatch(calls);
        ConcurrentLinkedQueue<Exchange> results = new ConcurrentLinkedQueue<>();

        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody("Call " + i + " [emulator:latency=4000]");
            boolean sync = direct.process(exchange, doneSync -> {
                results.add(exchange);
                done.countDown();
            });
            assertThat(sync).as("the caller thread is not held while the agent thinks").isFalse();
        }
        long submittedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int threadGrowth = threads.getPeakThreadCount() - threadsBefore;
        System.out.printf("concurrency: %d calls of 4000 ms: submitted in %d ms, all answered in %d ms, peak in flight %d"
                        + " (emulator %d), threads before %d, peak %d%n", calls, submittedMillis, totalMillis,
                component().peakInFlight(), emulator.peakInFlight(), threadsBefore, threads.getPeakThreadCount());

        // each call takes the agent's 4 s and none waits for another: they are in flight together,
        // held by no thread (no wall-clock bound is asserted: these machines are shared and noisy)
        assertThat(results).hasSize(calls).allSatisfy(e -> {
            assertThat(e.getException()).isNull();
            assertThat(e.getMessage().getBody(String.class)).startsWith("# Pipeline answer");
            assertThat(e.getMessage().getHeader(BedrockAgentConstants.DURATION_MILLIS, Long.class)).isGreaterThanOrEqualTo(4000L);
        });
        assertThat(component().peakInFlight()).isGreaterThan(calls / 2);
        assertThat(emulator.peakInFlight()).isGreaterThan(calls / 2);
        assertThat(threadGrowth).as("threads added for %d concurrent calls", calls).isLessThan(60);
        assertThat(component().inFlight()).isZero();
    }

    /** Same number of calls without latency, so JIT compilation and connection set-up are not measured. */
    private static void warmUp(AsyncProcessor direct, int calls) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(calls);
        for (int i = 0; i < calls; i++) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody("Warm up " + i);
            direct.process(exchange, doneSync -> done.countDown());
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        component().gauge().resetPeak();
        emulator.resetCounters();
    }

    @Test
    void uriOptionsAreBoundAndUnknownOnesRejected() {
        BedrockAgentEndpoint endpoint = context.getEndpoint("bedrock-agent:AG?aliasId=AL&timeout=15m&region=eu-west-1"
                + "&maxAnswerBytes=2048&maxTraceEvents=3&maxConcurrency=1000&enableTrace=false", BedrockAgentEndpoint.class);

        assertThat(endpoint.getAgentId()).isEqualTo("AG");
        assertThat(endpoint.getAliasId()).isEqualTo("AL");
        assertThat(endpoint.getTimeoutMillis()).isEqualTo(900_000L);
        assertThat(endpoint.getRegion()).isEqualTo("eu-west-1");
        assertThat(endpoint.getMaxAnswerBytes()).isEqualTo(2048);
        assertThat(endpoint.getMaxTraceEvents()).isEqualTo(3);
        assertThat(endpoint.getMaxConcurrency()).isEqualTo(1000);
        assertThat(endpoint.isEnableTrace()).isFalse();
        assertThat(context.getEndpoint("bedrock-agent:AG?aliasId=AL&region=us-east-1&timeout=1500",
                BedrockAgentEndpoint.class).getTimeoutMillis()).isEqualTo(1500L);
        assertThatThrownBy(() -> context.getEndpoint("bedrock-agent:AG?aliasId=AL&region=us-east-1&noSuchOption=1"))
                .isInstanceOf(ResolveEndpointFailedException.class);
        assertThatThrownBy(() -> context.getEndpoint("bedrock-agent:AG?region=us-east-1"))
                .hasStackTraceContaining("aliasId");
    }
}
