package routes;

import gateway.delivery.DeliveryTargets;
import gateway.flow.FlowProperties;
import gateway.sqs.DeadLetters;
import gateway.sqs.MessageGroups;
import gateway.tracking.DeliveryEntries;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordWriter;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The dead letters SQS's redrive policy moved by itself: the gateway ends every conversation on its last receive
 * (see {@link AgentInvokeRoute}, {@link WebhookDeliverRoute}), but a crash during that receive, or receives
 * spent by crashes, still leave SQS to move a message in silence. Every {@code DLQ_SWEEP_SECONDS} this route
 * looks at both DLQs for entries without the gateway's failure attributes and brings their conversations to
 * the same end, once: a question nobody answered gets its {@code query.failed} webhook and status
 * {@code failed}; a delivery its status {@code dead_lettered} and the conversation export. Each entry is then
 * written again with its reason (and the moved one deleted), so no later sweep takes it again and an
 * operator's listing says why it is there.
 */
public class DeadLetterSweepRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:dead-letter-sweep?period={{gateway.dlq.sweep-seconds}}s&delay={{gateway.dlq.sweep-seconds}}s")
            .routeId("dead-letter-sweep")
            .autoStartup("{{gateway.dlq.sweep-enabled}}")
            .bean("deadLetterAdmin", "receive(requests, {{gateway.dlq.sweep-max}})").id("read-requests-dlq")
            // in parallel, so the entries shown again share batch calls
            .split(body()).parallelProcessing()
                .choice()
                    .when(method("deadLetterAdmin", "movedBySqs"))
                        // traced: its handling goes on in its question's trace (its traceparent attribute)
                        .bean("questionTraces", "carriedBy")
                        .to("direct:request-moved-by-sqs")
                    .otherwise()
                        // the gateway's own entries: visible again at once, for the operator
                        .bean("deadLetterAdmin", "visibleAgain")
                        .to("sqs-batch:{{gateway.queue.requests-dlq}}?operation=changeMessageVisibility").id("show-requests-dlq-entry")
                .end()
            .end()
            .bean("deadLetterAdmin", "receive(deliveries, {{gateway.dlq.sweep-max}})").id("read-deliveries-dlq")
            .split(body()).parallelProcessing()
                .choice()
                    .when(method("deadLetterAdmin", "movedBySqs"))
                        .bean("questionTraces", "carriedBy")
                        .to("direct:delivery-moved-by-sqs")
                    .otherwise()
                        .bean("deadLetterAdmin", "visibleAgain")
                        .to("sqs-batch:{{gateway.queue.deliveries-dlq}}?operation=changeMessageVisibility").id("show-deliveries-dlq-entry")
                .end()
            .end();

        from("direct:request-moved-by-sqs")
            .routeId("request-moved-by-sqs")
            .setProperty(DeadLetters.SWEPT_STAGE, constant("agent-invoke"))
            .bean("deadLetters", "received")
            .bean(MessageGroups.class, "received")
            .bean("requestMessageReader", "read")
            .to(TrackingRoute.LOOKUP_RECORD).id("read-moved-request-record")
            .bean("deadLetters", "movedBySqs(*, ${exchangeProperty." + RecordLookup.STORED_LAST_ERROR + "})")
            .choice()
                // no receive got to a result: the caller was never told
                .when(exchangeProperty(RecordLookup.STORED_STATUS).isNull())
                    .log(LoggingLevel.WARN, "Request moved to the DLQ by SQS without an answer: the caller is told")
                    .bean("deliveryMessageWriter", "failed")
                    .setProperty(FlowProperties.DELIVERY_TARGETS, method("deliveryTargets", "select"))
                    .setProperty(RecordWriter.CHANGE, method("agentStageRecords", "agentFinished")).to(TrackingRoute.RECORD_NOW).id("record-moved-request")
                    .bean("questionEvents", "finished")
                    .to(AgentInvokeRoute.ENQUEUE_DELIVERIES).id("enqueue-moved-failure")
            .end()
            .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
            .bean("deadLetters", "annotate").bean(MessageGroups.class, "resend")
            .to(AgentInvokeRoute.REQUESTS_DLQ).id("dead-letter-moved-request")
            .to("sqs-batch:{{gateway.queue.requests-dlq}}?operation=deleteMessage").id("delete-moved-request");

        from("direct:delivery-moved-by-sqs")
            .routeId("delivery-moved-by-sqs")
            .setProperty(DeadLetters.SWEPT_STAGE, constant("webhook-deliver"))
            .bean("deadLetters", "received")
            .setProperty(FlowProperties.TRACKING_ID, header(FlowProperties.TRACKING_ID))
            .setProperty(FlowProperties.RECEIVED_MESSAGE, body())
            // which of the request's deliveries this is (its webhook-id and target)
            .bean(DeliveryTargets.class, "identify")
            .to(TrackingRoute.LOOKUP_RECORD).id("read-moved-delivery-record")
            .bean("deadLetters", "movedBySqs(*, ${exchangeProperty." + RecordLookup.STORED_LAST_ERROR + "})")
            .choice()
                // this delivery neither delivered nor dead-lettered by the gateway: the record gets its end (and the export)
                .when(method(DeliveryEntries.class, "open"))
                    .log(LoggingLevel.WARN, "Delivery moved to the DLQ by SQS: dead-lettered")
                    .bean("deliveryStageRecords", "outcome(*, 'dead_lettered')")
                    .to(WebhookDeliverRoute.DELIVERY_ENDED).id("record-moved-delivery")
            .end()
            // a copy for a recover (POST /endpoints/{name}/recover), as for the gateway's own dead letters
            .bean("parkedDeliveries", "keepUndelivered").id("keep-moved-undelivered")
            .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
            .bean("deadLetters", "annotate")
            .to("aws2-sqs:{{gateway.queue.deliveries-dlq}}").id("dead-letter-moved-delivery")
            .to("sqs-batch:{{gateway.queue.deliveries-dlq}}?operation=deleteMessage").id("delete-moved-delivery");
    }
}
