package routes;

import static org.apache.camel.builder.PredicateBuilder.and;
import static org.apache.camel.builder.PredicateBuilder.not;

import java.io.IOException;

import gateway.flow.FlowProperties;
import gateway.delivery.UndeliverableTarget;
import gateway.flow.MalformedMessageException;
import gateway.net.BlockedAddressException;
import gateway.sqs.ReleaseOnShutdown;
import gateway.tracking.TrackingRecords;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Deliveries queue → the receiver of each message's target (one message per target: see
 * {@link AgentInvokeRoute#ENQUEUE_DELIVERIES}): the seed-compatible payload, signed, POSTed. Any 2xx is
 * success. 408, 429, 5xx, timeouts and connection errors are retried here first ({@code Retry-After}
 * honoured), then on the long schedule carried by SQS, then dead-lettered. Other 4xx (and 3xx: no
 * redirects are followed) go to the DLQ at once. Each attempt and the outcome go to the request's
 * tracking record; when the delivery ends, the conversation is exported.
 */
public class WebhookDeliverRoute extends RouteBuilder {

    static final String DELIVERIES = "aws2-sqs:{{gateway.queue.deliveries}}";
    // deletes share DeleteMessageBatch calls with the other deliveries of the moment (sqs-batch)
    static final String DELETE_DELIVERY = "sqs-batch:{{gateway.queue.deliveries}}?operation=deleteMessage";
    static final String DEFER_DELIVERY = "sqs-batch:{{gateway.queue.deliveries}}?operation=changeMessageVisibility";
    static final String DELIVERIES_DLQ = "aws2-sqs:{{gateway.queue.deliveries-dlq}}";
    static final String DELIVERY_ENDED = "direct:delivery-ended";
    // one http endpoint for every receiver (http or https): the URL is the message's CamelHttpUri header
    static final String RECEIVER = "http:webhook-receiver?throwExceptionOnFailure=true&followRedirects=false";

    @Override
    public void configure() {
        from(DELIVERIES
                + "?deleteAfterRead=false"
                + "&waitTimeSeconds={{gateway.sqs.wait-time-seconds}}"
                + "&visibilityTimeout={{gateway.sqs.consumer-visibility-seconds}}"
                + "&extendMessageVisibility=true"
                + "&messageAttributeNames=All&attributeNames=All"
                + "&maxMessagesPerPoll=10"
                + "&concurrentConsumers={{gateway.delivery.consumers}}"
                + "&greedy=true&delay={{gateway.sqs.poll-delay-ms}}"
                // SQS unreachable: back off (a poll every SQS_OUTAGE_BACKOFF_POLLS pauses), one WARN per outage,
                // one INFO when it is over, quiet on a stop (SqsPollErrors)
                + "&backoffErrorThreshold=1&backoffMultiplier={{gateway.sqs.outage-backoff-polls}}"
                + "&pollStrategy=#sqsPollErrors&exceptionHandler=#sqsPollErrors")
            .routeId("webhook-deliver")
            .autoStartup("{{gateway.delivery.stage-enabled}}")
            // on shutdown, deliveries still unfinished after the grace period are released at once
            .routePolicy(new ReleaseOnShutdown(DEFER_DELIVERY))

            // a message that can never be delivered: to the deliveries DLQ at once, with the reason
            .onException(MalformedMessageException.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Unreadable delivery message dead-lettered: ${exception.message}")
                .bean("deadLetters", "annotate")
                .to(DELIVERIES_DLQ).id("dead-letter-unreadable-delivery")
                .to(DELETE_DELIVERY).id("delete-unreadable-delivery")
            .end()

            // 408, 429, 5xx, timeouts, connection errors: retry here ({{gateway.delivery.retry.max}} times,
            // 2 s / 4 s / 8 s ±20%, or the receiver's Retry-After), then the long schedule, then the DLQ
            .onException(HttpOperationFailedException.class, IOException.class)
                .onWhen(method("deliveryFailures", "isRetryable"))
                .maximumRedeliveries("{{gateway.delivery.retry.max}}")
                .redeliveryDelay("{{gateway.delivery.retry.delay-ms}}")
                .useExponentialBackOff().backOffMultiplier(2)
                .useCollisionAvoidance().collisionAvoidanceFactor("{{gateway.delivery.retry.jitter}}")
                .maximumRedeliveryDelay("{{gateway.delivery.retry.max-delay-ms}}")
                // after each failed attempt: its status noted, and the receiver's Retry-After (bounded by
                // DELIVERY_RETRY_AFTER_*) as the next delay instead of the backoff above
                .onExceptionOccurredRef("deliveryFailures")
                // each retry shows in the tracking record (status "delivering", attempt n, last status)
                .onRedeliveryRef("recordDeliveryRetry")
                .asyncDelayedRedelivery()
                // each failed attempt is logged by deliveryFailures, by the target's label: Camel's line quotes the URL
                .logRetryAttempted(false)
                .logExhausted(false)
                .handled(true)
                .choice()
                    // a next step of the schedule, unless this is the last receive SQS allows (then the gateway
                    // dead-letters it itself, with the reason, rather than SQS's redrive policy in silence)
                    .when(and(method("deliverySchedule", "hasNextAttempt"), not(method("queueLimits", "isLastReceive(*, 'deliveries')"))))
                        // hidden until the next step of the schedule (visibility = its delay), not deleted
                        .bean("deliverySchedule", "nextAttempt")
                        .to(DEFER_DELIVERY).id("defer-delivery")
                        // the record notes the failed attempt and the wait
                        .setProperty(TrackingRecords.CHANGE, method("trackingRecords", "deliveryDeferred")).to(TrackingRoute.RECORD_CHANGE).id("record-deferred")
                        .log(LoggingLevel.WARN, "Delivery failed (${exchangeProperty." + FlowProperties.FAILURE
                                + "}); next attempt in ${exchangeProperty." + FlowProperties.NEXT_ATTEMPT_IN + "}")
                    .otherwise()
                        .log(LoggingLevel.ERROR, "Delivery failed on every attempt, dead-lettered: ${exchangeProperty."
                                + FlowProperties.FAILURE + "}")
                        .bean("trackingRecords", "outcome(*, 'dead_lettered')")
                        .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
                        .bean("deadLetters", "annotate")
                        .to(DELIVERIES_DLQ).id("dead-letter-undeliverable")
                        .to(DELIVERY_ENDED).id("record-undeliverable")
                        .to(DELETE_DELIVERY).id("delete-undeliverable")
                .end()
            .end()

            // any other status (4xx, 3xx): the receiver refuses it; to the DLQ at once with the status
            .onException(HttpOperationFailedException.class)
                .onExceptionOccurredRef("deliveryFailures")
                .handled(true)
                .setProperty(FlowProperties.HTTP_STATUS, simple("${exception.statusCode}"))
                .log(LoggingLevel.ERROR, "Receiver refused the delivery (HTTP ${exception.statusCode}), dead-lettered")
                .bean("trackingRecords", "outcome(*, 'dead_lettered')")
                // the DLQ keeps the delivery message as received (a redrive delivers it again), not the payload
                .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
                .bean("deadLetters", "annotate")
                .to(DELIVERIES_DLQ).id("dead-letter-refused")
                .to(DELIVERY_ENDED).id("record-refused")
                .to(DELETE_DELIVERY).id("delete-refused")
            .end()

            // the SSRF guard refused the address the connection went to (blocked_address), or the target is gone from
            // CALLERS_FILE (endpoint_removed, callback_url_not_allowed): never retried, to the DLQ at once with the reason
            .onException(BlockedAddressException.class, UndeliverableTarget.class)
                .onExceptionOccurredRef("deliveryFailures")
                .handled(true)
                .log(LoggingLevel.ERROR, "Delivery to ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                        + ".label()} refused, dead-lettered: ${exchangeProperty." + FlowProperties.FAILURE + "}")
                .bean("trackingRecords", "outcome(*, 'dead_lettered')")
                // the DLQ keeps the delivery message as received (a redrive delivers it again), not the payload
                .setBody(exchangeProperty(FlowProperties.RECEIVED_MESSAGE))
                .bean("deadLetters", "annotate")
                .to(DELIVERIES_DLQ).id("dead-letter-blocked")
                .to(DELIVERY_ENDED).id("record-blocked")
                .to(DELETE_DELIVERY).id("delete-blocked")
            .end()

            // the message's target (WEBHOOK_URL, a caller's endpoint, a callback URL) with its headers and secrets now
            .bean("outboundWebhook", "prepare")
            // status "delivering" (attempt n): waits for the record's next changes
            .setProperty(TrackingRecords.CHANGE, method("trackingRecords", "delivering")).to(TrackingRoute.RECORD_CHANGE).id("record-delivering")
            // to the receiver's URL, which prepare put in the CamelHttpUri header exactly as it was checked (an endpoint
            // URI would be normalised, decoding its path); no redirects followed, any status but 2xx is a failure
            .to(RECEIVER).id("post-webhook")
            .bean("attemptReport", "succeeded")
            .log("Delivered ${exchangeProperty." + FlowProperties.WEBHOOK_ID + "} to ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                    + ".label()} (HTTP ${header.CamelHttpResponseCode})")
            .bean("trackingRecords", "outcome(*, 'delivered')")
            .to(DELETE_DELIVERY).id("delete-delivery")
            .to(DELIVERY_ENDED).id("record-delivered");

        // the delivery has ended (delivered or dead-lettered): the record's final status, with what waits for it, is
        // written by a record writer, then the conversation export built from it (TrackingRoute). Nothing waits here.
        from(DELIVERY_ENDED)
            .routeId("delivery-ended")
            .setProperty(TrackingRecords.CHANGE, method("trackingRecords", "deliveryEnded"))
            .to(TrackingRoute.RECORD_END).id("write-outcome");
    }
}
