package gateway.agent;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import gateway.flow.FlowProperties;
import gateway.testing.ProbedAgentEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call in flight aborted by its tracking id (a cancelled question), with the real SDK client against the emulator: the
 * exchange ends with {@link AgentCallCancelled} at once, the emulator sees its client go away before the answer, the
 * registry and the in-flight gauge are empty again; another question's call is not touched.
 */
class AgentCallAbortTest {

    static ProbedAgentEmulator emulator;
    static CamelContext context;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        emulator = new ProbedAgentEmulator().start();
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:agent").to("bedrock-agent:AGENT1?aliasId=ALIAS1&anonymousCredentials=true&timeout=60s&endpointOverride="
                        + emulator.baseUrl());
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

    @Test
    void anAbortedCallEndsCancelledAndTheAgentSeesItsClientGo() {
        BedrockAgentComponent component = context.getComponent("bedrock-agent", BedrockAgentComponent.class);
        String cancelled = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        CompletableFuture<Exchange> slow = ask(cancelled, "[emulator:latency=20000] slow");
        CompletableFuture<Exchange> quick = ask(other, "[emulator:latency=300] quick");
        await().atMost(Duration.ofSeconds(30)).until(() -> emulator.callsForSession(cancelled) == 1 && component.calls().inFlight(cancelled));

        assertThat(component.calls().abort(cancelled)).isEqualTo(1);

        Exchange aborted = slow.join();
        assertThat(aborted.getException()).isInstanceOf(AgentCallCancelled.class);
        assertThat(((AgentCallCancelled) aborted.getException()).trackingId()).isEqualTo(cancelled);
        await().atMost(Duration.ofSeconds(30)).until(() -> emulator.abortedCallsForSession(cancelled) == 1);
        assertThat(component.calls().inFlight(cancelled)).isFalse();

        Exchange answered = quick.join();
        assertThat(answered.getException()).isNull();
        assertThat(answered.getMessage().getBody(String.class)).isNotBlank();
        assertThat(emulator.abortedCallsForSession(other)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> component.inFlight() == 0);
        assertThat(component.calls().abort(cancelled)).as("nothing left to abort").isZero();
    }

    @Test
    void aQuestionKnownToBeCancelledIsNeverAsked() {
        BedrockAgentComponent component = context.getComponent("bedrock-agent", BedrockAgentComponent.class);
        String cancelled = UUID.randomUUID().toString();
        component.calls().knownCancelled(cancelled::equals);
        try {
            Exchange exchange = ask(cancelled, "never asked").join();
            assertThat(exchange.getException()).isInstanceOf(AgentCallCancelled.class);
            assertThat(emulator.callsForSession(cancelled)).isZero();
        } finally {
            component.calls().knownCancelled(id -> false);
        }
    }

    private static CompletableFuture<Exchange> ask(String trackingId, String question) {
        return template.asyncSend("direct:agent", e -> {
            e.setProperty(FlowProperties.TRACKING_ID, trackingId);
            e.getMessage().setHeader(BedrockAgentConstants.SESSION_ID, trackingId);
            e.getMessage().setBody(question);
        });
    }
}
