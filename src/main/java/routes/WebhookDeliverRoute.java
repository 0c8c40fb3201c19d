package routes;

import java.io.IOException;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.UndeliverableTarget;
import gateway.endpoints.EndpointPaused;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.net.BlockedAddressException;
import gateway.sqs.ReleaseOnShutdown;
import gateway.tracking.RecordWriter;
import org.apache.camel.LoggingLevel;
import org.apache.camel.http.base.HttpOperationFailedException;

import static org.apache.camel.builder.PredicateBuilder.and;
import static org.apache.camel.builder.PredicateBuilder.not;

/**
 * Deliveries queue → the receiver of each message's target (one message per target: see
 * {@link AgentInvokeRoute#ENQUEUE_DELIVERIES}): the seed-compatible payload, signed, POSTed. Any 2xx is
 * success. 408, 429, 5xx, timeouts and connection errors are retried here first ({@code Retry-After}
 * honoured), then on the long schedule carried by SQS, then dead-lettered. Other 4xx (and 3xx: no
 * redirects are followed) go to the DLQ at once. Each attempt and the outcome go to the request's
 * tracking record; when the delivery ends, the conversation is exported.
 *
 * <p>The attempt chooses by the endpoint's type (docs/callers.md#endpoint-types): a webhook gets the signed payload; a
 * Slack or Teams endpoint the event rendered as the service's message, unsigned, over the same http endpoint, its
 * failures turned into a {@link DestinationFailure} (retried, the endpoint paused and the delivery parked, or
 * dead-lettered with the service's code) that the same error handling treats. An SQS, SNS or EventBridge endpoint
 * gets the signed payload sent with the gateway's own AWS identity ({@link AwsDestinationRoutes}), its AWS errors a
 * {@link DestinationFailure} alike (docs/aws-destinations.md).
 */
public class WebhookDeliverRoute extends WorkQueueRoute {

    // deletes share DeleteMessageBatch calls with the other deliveries of the moment (sqs-batch)
    static final String DELETE_DELIVERY = "sqs-batch:{{gateway.queue.deliveries}}?operation=deleteMessage";
    static final String DEFER_DELIVERY = "sqs-batch:{{gateway.queue.deliveries}}?operation=changeMessageVisibility";
    static final String DELIVERIES_DLQ = "aws2-sqs:{{gateway.queue.deliveries-dlq}}";
    static final String DELIVERY_ENDED = "direct:delivery-ended";
    /** The delivery to its DLQ, with the reason, the record told, then deleted: the deliveries queue's one dead-letter ending. */
    static final String DEAD_LETTER_DELIVERY = "direct:dead-letter-delivery";
    // one http endpoint for every receiver (http or https): the URL is the message's CamelHttpUri header
    static final String RECEIVER = "http:webhook-receiver?throwExceptionOnFailure=true&followRedirects=false";
    /** One HTTP attempt, redelivered as a whole: the endpoint's health asked first, told after. */
    static final String ATTEMPT = "direct:attempt-delivery";
    /** The delivery waits in its endpoint's lane (the endpoint is paused), then leaves the queue. */
    static final String PARK_DELIVERY = "direct:park-delivery";

    @Override
    public void configure() {
        fromWorkQueue("{{gateway.queue.deliveries}}", "{{gateway.delivery.consumers}}", "10")
            .routeId("webhook-deliver")
            .autoStartup("{{gateway.delivery.stage-enabled}}")
            // on shutdown, deliveries still unfinished after the grace period are released at once
            .routePolicy(new ReleaseOnShutdown(DEFER_DELIVERY))

            // the endpoint is paused, or releasing what it parked (before this attempt or after a failed one): the delivery
            // is parked in its endpoint's lane, in the order its answer was made, for the release
            .onException(EndpointPaused.class)
                .handled(true)
                .to(PARK_DELIVERY).id("end-parked")
            .end()

            // a message that can never be delivered: to the deliveries DLQ at once, with the reason
            .onException(MalformedMessageException.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Unreadable delivery message dead-lettered: ${exception.message}")
                .to(DEAD_LETTER_DELIVERY).id("end-unreadable-delivery")
            .end()

            // 408, 429, 5xx, timeouts, connection errors: the deliveryRetryPolicy's retries here (DELIVERY_RETRY_MAX
            // times, 2 s / 4 s / 8 s ±20 %, or the receiver's Retry-After), then the long schedule, then the DLQ
            // (a Slack or Teams service's answer, an AWS destination's error: a DestinationFailure, retried when it says so,
            // the service's Retry-After bounded alike)
            .onException(HttpOperationFailedException.class, IOException.class, DestinationFailure.class)
                .onWhen(method("deliveryFailures", "isRetryable"))
                .redeliveryPolicyRef("deliveryRetryPolicy")
                // after each failed attempt: its status and its words for the log noted, and the receiver's
                // Retry-After (bounded by DELIVERY_RETRY_AFTER_*) as the next delay instead of the backoff
                .onExceptionOccurredRef("deliveryFailures")
                // each retry shows in the tracking record (status "delivering", attempt n, last status)
                .onRedeliveryRef("recordDeliveryRetry")
                .handled(true)
                .choice()
                    // the failures have paused the endpoint: parked, not deferred nor dead-lettered for the outage
                    .when(method("endpointGate", "holds"))
                        .to(PARK_DELIVERY).id("park-failed-delivery")
                    // a next step of the schedule, unless this is the last receive SQS allows (then the gateway
                    // dead-letters it itself, with the reason, rather than SQS's redrive policy in silence)
                    .when(and(method("deliverySchedule", "hasNextAttempt"), not(method("queueLimits", "isLastReceive(*, 'deliveries')"))))
                        // hidden until the next step of the schedule (visibility = its delay), not deleted
                        .bean("deliverySchedule", "nextAttempt")
                        .to(DEFER_DELIVERY).id("defer-delivery")
                        // the record notes the failed attempt and the wait
                        .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "deliveryDeferred")).to(TrackingRoute.RECORD_CHANGE).id("record-deferred")
                        .log(LoggingLevel.WARN, "Delivery failed (${exchangeProperty." + FlowProperties.FAILURE
                                + "}); next attempt in ${exchangeProperty." + FlowProperties.NEXT_ATTEMPT_IN + "}")
                    .otherwise()
                        .log(LoggingLevel.ERROR, "Delivery failed on every attempt, dead-lettered: ${exchangeProperty."
                                + FlowProperties.FAILURE + "}")
                        .to(DEAD_LETTER_DELIVERY).id("end-undeliverable")
                .end()
            .end()

            // any other status (4xx, 3xx): the receiver refuses it; to the DLQ at once with the status
            // (410 Gone has paused the endpoint: the delivery is parked). A destination's failure alike: PAUSE (Slack's
            // channel_not_found, a Teams workflow gone) has paused the endpoint, parked; DEAD_LETTER (invalid_payload)
            // to the DLQ at once with its code
            .onException(HttpOperationFailedException.class, DestinationFailure.class)
                .onExceptionOccurredRef("deliveryFailures")
                .handled(true)
                .setProperty(FlowProperties.HTTP_STATUS, method("deliveryFailures", "status"))
                .choice()
                    .when(method("endpointGate", "holds"))
                        .to(PARK_DELIVERY).id("park-gone-delivery")
                    .otherwise()
                        .log(LoggingLevel.ERROR, "Receiver refused the delivery (${bean:deliveryFailures?method=refusal}), dead-lettered")
                        .to(DEAD_LETTER_DELIVERY).id("end-refused")
                .end()
            .end()

            // the SSRF guard refused the address the connection went to (blocked_address), or the target is gone from
            // CALLERS_FILE (endpoint_removed, callback_url_not_allowed): never retried, to the DLQ at once with the reason
            .onException(BlockedAddressException.class, UndeliverableTarget.class)
                .onExceptionOccurredRef("deliveryFailures")
                .handled(true)
                .log(LoggingLevel.ERROR, "Delivery to ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                        + ".label()} refused, dead-lettered: ${exchangeProperty." + FlowProperties.FAILURE + "}")
                .to(DEAD_LETTER_DELIVERY).id("end-blocked")
            .end()

            // the message's target (WEBHOOK_URL, a caller's endpoint, a callback URL) with its headers and secrets now
            .bean("outboundWebhook", "prepare")
            // status "delivering" (attempt n): waits for the record's next changes
            .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "delivering")).to(TrackingRoute.RECORD_CHANGE).id("record-delivering")
            // one attempt (the endpoint's health first: a paused one parks it); a redelivery makes the whole attempt again
            .to(ATTEMPT).id("attempt-webhook")
            .bean("attemptReport", "succeeded")
            .log("Delivered ${exchangeProperty." + FlowProperties.WEBHOOK_ID + "} to ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                    + ".label()} (HTTP ${header.CamelHttpResponseCode})")
            .bean("deliveryStageRecords", "outcome(*, 'delivered')")
            .to(DELETE_DELIVERY).id("delete-delivery")
            .to(DELIVERY_ENDED).id("record-delivered");

        // one HTTP attempt, redelivered as a whole by the caller's error handler (none of its own): the endpoint's health
        // (EndpointPaused when it holds its deliveries; not for a parked delivery released or probed), the receiver's
        // max_per_second on this replica, the POST, and what the attempt says of the endpoint
        from(ATTEMPT)
            .routeId("attempt-delivery")
            .errorHandler(noErrorHandler())
            .bean("endpointGate", "admit")
            .filter(exchangeProperty(FlowProperties.MAX_PER_SECOND).isNotNull())
                .throttle(exchangeProperty(FlowProperties.MAX_PER_SECOND)).totalRequestsMode().timePeriodMillis(1000)
                    .correlationExpression(simple("${exchangeProperty." + FlowProperties.DELIVERY_TARGET + ".label()}"))
                .end()
            .end()
            .doTry()
                // by the endpoint's type (OutboundWebhook.prepare set it from CALLERS_FILE; WEBHOOK for WEBHOOK_URL and callbacks)
                .choice()
                    // Slack, Teams: the event rendered as the service's message (Block Kit, an Adaptive Card), POSTed by
                    // the same http endpoint (the SSRF guard, no redirects, WEBHOOK_TIMEOUT), unsigned
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).in(EndpointType.SLACK, EndpointType.TEAMS))
                        .setBody(method("chatMessages", "render")).id("render-chat")
                        .to(RECEIVER).id("post-chat")
                    // SQS, SNS, EventBridge: the payload and its signature attributes sent with the gateway's own AWS
                    // identity, one call (routes.AwsDestinationRoutes: an AWS error is a DestinationFailure, as a chat one)
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.SQS))
                        .to(AwsDestinationRoutes.SEND_SQS).id("send-to-sqs")
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.SNS))
                        .to(AwsDestinationRoutes.PUBLISH_SNS).id("publish-to-sns")
                    .when(exchangeProperty(FlowProperties.ENDPOINT_TYPE).isEqualTo(EndpointType.EVENTBRIDGE))
                        .to(AwsDestinationRoutes.PUT_EVENTBRIDGE).id("put-to-eventbridge")
                    .otherwise()
                        // to the receiver's URL, which prepare put in the CamelHttpUri header exactly as it was checked (an
                        // endpoint URI would be normalised, decoding its path); no redirects followed, any status but 2xx fails
                        .to(RECEIVER).id("post-webhook")
                .end()
            .endDoTry()
            .doCatch(HttpOperationFailedException.class, IOException.class, DestinationFailure.class)
                // a Slack or Teams answer becomes its DestinationFailure (retry, pause, dead-letter; its code); a
                // webhook's failure stays as it is
                .bean("chatFailures", "classify")
                .bean("endpointGate", "failed")
                .bean("endpointGate", "rethrow")
            .end()
            .bean("endpointGate", "succeeded");

        // parked: the message in its endpoint's lane, the record told ("parked"), then deleted from the queue. A store
        // that cannot be written leaves the message on the queue (SQS hands it out again), never lost
        from(PARK_DELIVERY)
            .routeId("park-delivery")
            .bean("parkedDeliveries", "park").id("put-parked")
            .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "parked")).to(TrackingRoute.RECORD_CHANGE).id("record-parked")
            .log("Parked ${exchangeProperty." + FlowProperties.WEBHOOK_ID + "}: ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                    + ".label()} is paused")
            .to(DELETE_DELIVERY).id("delete-parked-delivery");

        // the deliveries queue's one dead-letter ending, in one order: the record's outcome (dead-lettered), the entry
        // with its reason to the DLQ (the delivery message as received: a redrive delivers it again, not the payload),
        // the record's end, and last the delete of the delivery. A crash before the delete hands the delivery out
        // again: at worst a second DLQ entry, never none. A message that could not be read has no record to tell.
        from(DEAD_LETTER_DELIVERY)
            .routeId("dead-letter-delivery")
            .filter(exchangeProperty(FlowProperties.RECEIVED_MESSAGE).isNotNull())
                .bean("deliveryStageRecords", "outcome(*, 'dead_lettered')")
                .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
            .end()
            // a copy for a recover (POST /endpoints/{name}/recover), kept by endpoint in the order of the answers
            .bean("parkedDeliveries", "keepUndelivered").id("keep-undelivered")
            .bean("deadLetters", "annotate")
            .to(DELIVERIES_DLQ).id("dead-letter-delivery-entry")
            .filter(exchangeProperty(FlowProperties.RECEIVED_MESSAGE).isNotNull())
                .to(DELIVERY_ENDED).id("record-dead-lettered")
            .end()
            .choice()
                // a parked delivery (released, probed, kept too long): it leaves its lane
                .when(exchangeProperty(FlowProperties.PARKED_KEY).isNotNull())
                    .bean("parkedDeliveries", "remove").id("remove-dead-parked")
                .otherwise()
                    .to(DELETE_DELIVERY).id("delete-dead-delivery")
            .end();

        // the delivery has ended (delivered or dead-lettered): the record's final status, with what waits for it, is
        // written by a record writer, then the conversation export built from it (TrackingRoute). Nothing waits here.
        from(DELIVERY_ENDED)
            .routeId("delivery-ended")
            .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "deliveryEnded"))
            .to(TrackingRoute.RECORD_END).id("write-outcome");
    }
}
