package gateway.sqs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SessionTurns} in a route whose "agent call" is asynchronous and ended by the test: a session's questions
 * go on one at a time in the order they arrived, another session's at once; behind a failed one they are put back.
 */
class SessionTurnsTest {

    CamelContext camel;
    ProducerTemplate template;
    SessionTurns turns;
    final List<String> events = new CopyOnWriteArrayList<>();
    /** The calls under way, by question: the test ends each (null: answered, else the failure). */
    final Map<String, AsyncCallback> calls = new ConcurrentHashMap<>();
    final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        turns = new SessionTurns();
        turns.setCamelContext(camel);
        camel.getRegistry().bind("sessionTurns", turns);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ask").errorHandler(noErrorHandler())
                    .process("sessionTurns")
                    .filter(exchangeProperty(SessionTurns.PUT_BACK))
                        .process(e -> events.add("put back " + e.getMessage().getBody(String.class)))
                        .stop()
                    .end()
                    .process(new AsyncProcessorSupport() {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            String question = exchange.getMessage().getBody(String.class);
                            events.add("start " + question);
                            exchanges.put(question, exchange);
                            calls.put(question, callback);
                            return false;
                        }
                    });
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
    }

    @Test
    void aSessionsQuestionsGoOnOneAtATimeInOrderAnotherSessionsAtOnce() throws Exception {
        CompletableFuture<Exchange> a = ask("A", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start A"));
        CompletableFuture<Exchange> b = ask("B", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.parked() == 1);
        CompletableFuture<Exchange> c = ask("C", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.parked() == 2);
        CompletableFuture<Exchange> other = ask("D", "s2");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start D"));
        CompletableFuture<Exchange> noGroup = ask("E", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start E"));
        assertThat(events).as("B and C wait for A").containsExactly("start A", "start D", "start E");

        end("A", null);
        a.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start B"));
        assertThat(events).doesNotContain("start C");
        end("B", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start C"));
        end("C", null);
        end("D", null);
        end("E", null);
        for (CompletableFuture<Exchange> f : List.of(b, c, other, noGroup)) {
            assertThat(f.get(10, TimeUnit.SECONDS).getException()).isNull();
        }
        assertThat(events).containsExactly("start A", "start D", "start E", "start B", "start C");
        assertThat(turns.parked()).isZero();

        // the session is free again: its next question goes on at once
        ask("F", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start F"));
        end("F", null);
    }

    @Test
    void behindAQuestionThatFailedTheRestOfItsSessionIsPutBackUnasked() throws Exception {
        CompletableFuture<Exchange> a = ask("A", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start A"));
        CompletableFuture<Exchange> b = ask("B", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.parked() == 1);
        CompletableFuture<Exchange> c = ask("C", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.parked() == 2);

        end("A", new IllegalStateException("agent still failing: left on the queue"));
        assertThat(a.get(10, TimeUnit.SECONDS).getException()).isInstanceOf(IllegalStateException.class);
        b.get(10, TimeUnit.SECONDS);
        c.get(10, TimeUnit.SECONDS);
        assertThat(events).containsExactly("start A", "put back B", "put back C");
        assertThat(turns.parked()).isZero();

        // handed out again later (A first, as SQS keeps the group's order): it goes on at once
        ask("A", "s1");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter("start A"::equals).count() == 2);
        end("A", null);
    }

    private CompletableFuture<Exchange> ask(String question, String group) {
        return template.asyncSend("direct:ask", e -> {
            e.getMessage().setBody(question);
            if (group != null) {
                e.setProperty(MessageGroups.GROUP, group);
            }
        });
    }

    private void end(String question, Exception failure) {
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.containsKey(question));
        if (failure != null) {
            exchanges.get(question).setException(failure);
        }
        calls.remove(question).done(false);
    }
}
