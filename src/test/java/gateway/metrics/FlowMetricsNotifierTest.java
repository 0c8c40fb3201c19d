package gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notifier knows a call by the node id it has in the route, whatever endpoint the call goes to. */
class FlowMetricsNotifierTest {

    /** Stands in for the endpoints: fails the first {@code failures} calls of each kind. */
    public static class Stub {
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger status = new AtomicInteger();

        public String answer() throws Exception {
            if (failures.getAndDecrement() > 0) {
                if (status.get() > 0) {
                    throw new HttpOperationFailedException("http://receiver", status.get(), "refused", null, Map.of(), "");
                }
                throw new IOException("connection refused");
            }
            return "ok";
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Stub stub = new Stub();
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.getRegistry().bind("stub", stub);
        context.getManagementStrategy().addEventNotifier(new FlowMetricsNotifier(new FlowMetrics(registry)));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:agent").routeId("agent-invoke")
                    .to("bean:stub?method=answer").id("invoke-agent");
                from("direct:deliver").routeId("webhook-deliver")
                    .onException(IOException.class)
                        .maximumRedeliveries(2).redeliveryDelay(0)
                        .onRedelivery(exchange -> { }) // a step between attempts, as the route's record of a retry
                        .handled(true)
                        .to("bean:stub?method=answer").id("dead-letter-undeliverable")
                    .end()
                    .onException(HttpOperationFailedException.class)
                        .handled(true)
                        .to("bean:stub?method=answer").id("dead-letter-refused")
                    .end()
                    .to("bean:stub?method=answer").id("post-webhook")
                    // the same endpoint under another node id: not a delivery attempt
                    .to("bean:stub?method=answer").id("delete-delivery");
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void countsAgentCallsByNodeId() {
        context.createProducerTemplate().sendBody("direct:agent", "q");
        assertThat(count("gateway.agent.calls", "outcome", "answered")).isEqualTo(1);
        assertThat(registry.find("gateway.delivery.attempts").counters()).isEmpty();
    }

    @Test
    void countsEveryDeliveryAttemptAndTheDeadLetterOfItsStage() {
        stub.failures.set(3); // the first attempt and both redeliveries fail
        context.createProducerTemplate().sendBody("direct:deliver", "payload");
        assertThat(count("gateway.delivery.attempts", "outcome", "unreachable")).isEqualTo(3);
        assertThat(count("gateway.dead.letters", "stage", "webhook-deliver")).isEqualTo(1);
        assertThat(count("gateway.deliveries", "outcome", "dead_lettered")).isEqualTo(1);
        assertThat(registry.find("gateway.agent.calls").counters()).isEmpty();
    }

    @Test
    void countsADeliveryOnceAndNotTheStepsAfterIt() {
        context.createProducerTemplate().sendBody("direct:deliver", "payload");
        assertThat(count("gateway.delivery.attempts", "outcome", "delivered")).isEqualTo(1);
        assertThat(count("gateway.deliveries", "outcome", "delivered")).isEqualTo(1);
        assertThat(registry.find("gateway.dead.letters").counters()).isEmpty();
    }

    @Test
    void countsARefusalByItsStatusClass() {
        stub.failures.set(1);
        stub.status.set(422);
        context.createProducerTemplate().sendBody("direct:deliver", "payload");
        assertThat(count("gateway.delivery.attempts", "status_class", "4xx")).isEqualTo(1);
        assertThat(count("gateway.dead.letters", "stage", "webhook-deliver")).isEqualTo(1);
    }

    private double count(String name, String tag, String value) {
        var counter = registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }
}
