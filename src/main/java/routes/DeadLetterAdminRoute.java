package routes;

import java.util.ArrayList;
import java.util.List;

import gateway.admin.DeadLetterAdmin;
import gateway.flow.FlowProperties;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;

/**
 * The operator's dead-letter calls (the management port's {@code /admin/dlq/...}, which call these routes): for
 * each work queue, list its dead letters without taking them off its DLQ, and redrive them (all, or the ones asked
 * for) to the queue they came from. Errors go back to the caller, which answers 503.
 */
public class DeadLetterAdminRoute extends RouteBuilder {

    @Override
    public void configure() {
        for (String queue : List.of("requests", "deliveries")) {
            String work = "{{gateway.queue." + queue + "}}";
            String dlq = "{{gateway.queue." + queue + "-dlq}}";
            String showAgain = "sqs-batch:" + dlq + "?operation=changeMessageVisibility";
            String max = "${exchangeProperty." + FlowProperties.DLQ_MAX + "}";

            from(DeadLetterAdmin.listEndpoint(queue))
                .routeId("list-" + queue + "-dead-letters")
                .errorHandler(noErrorHandler())
                .bean("deadLetterAdmin", "receive(" + queue + ", " + max + ")").id("receive-" + queue + "-dead-letters")
                // each visible again at once: a listing takes none of them off the DLQ
                .split(body()).parallelProcessing().stopOnException()
                    .bean("deadLetterAdmin", "visibleAgain")
                    .to(showAgain).id("show-listed-" + queue + "-dead-letter")
                .end()
                .bean("deadLetterAdmin", "listing(" + queue + ", ${body})");

            from(DeadLetterAdmin.redriveEndpoint(queue))
                .routeId("redrive-" + queue + "-dead-letters")
                .errorHandler(noErrorHandler())
                .bean("deadLetterAdmin", "receive(" + queue + ", " + max + ")").id("receive-" + queue + "-dead-letters-to-redrive")
                .split(body(), AggregationStrategies.flexible(String.class).accumulateInCollection(ArrayList.class)
                        .pick(exchangeProperty(FlowProperties.REDRIVEN_MESSAGE_ID)))
                        .parallelProcessing().stopOnException()
                    .choice()
                        .when(method("deadLetterAdmin", "chosen"))
                            .setProperty(FlowProperties.REDRIVEN_MESSAGE_ID, simple("${body.messageId()}"))
                            // sent again before its DLQ entry goes: a failure in between leaves a copy, never none
                            .bean("deadLetterAdmin", "redriven")
                            // traced: the message goes on in its question's trace, not in the operator's request's
                            .bean("questionTraces", "redriven(*, " + queue + ")")
                            // sqs-batch: a dead letter of a FIFO DLQ goes back in its own group (see redriven)
                            .to("sqs-batch:" + work).id("redrive-" + queue + "-dead-letter")
                            .to("sqs-batch:" + dlq + "?operation=deleteMessage").id("delete-redriven-" + queue + "-dead-letter")
                        .otherwise()
                            .bean("deadLetterAdmin", "visibleAgain")
                            .to(showAgain).id("show-unchosen-" + queue + "-dead-letter")
                    .end()
                .end()
                .bean("deadLetterAdmin", "redriveResult(" + queue + ", ${body}, ${exchangeProperty." + FlowProperties.DLQ_MESSAGE_IDS + "})");
        }
    }
}
