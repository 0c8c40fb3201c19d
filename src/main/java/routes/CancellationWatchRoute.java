package routes;

import org.apache.camel.builder.RouteBuilder;

/**
 * Every {@code CANCEL_POLL_MS}, on each replica of the agent stage: the cancellation markers in S3 (one LIST), so that the
 * agent stage never asks a cancelled question and aborts the calls in flight here of those cancelled while the agent
 * answers ({@code gateway.cancel.CancellationWatch}).
 */
public class CancellationWatchRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:cancellation-watch?delay=0&period={{gateway.cancel.poll-ms}}")
            .routeId("cancellation-watch")
            .autoStartup("{{gateway.agent.stage-enabled}}")
            .bean("cancellationWatch", "poll").id("list-cancel-markers");
    }
}
