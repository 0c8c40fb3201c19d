package routes;

import java.io.IOException;

import gateway.delivery.DestinationFailure;
import gateway.delivery.UndeliverableTarget;
import gateway.endpoints.EndpointNotices;
import gateway.endpoints.ReleaseStopped;
import gateway.flow.FlowProperties;
import gateway.flow.MalformedMessageException;
import gateway.net.BlockedAddressException;
import gateway.s3.StoreUnavailable;
import gateway.tracking.RecordWriter;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The endpoints' health over time (see docs/endpoints.md). Every {@code ENDPOINT_CHECK_SECONDS} one LIST finds the
 * endpoints with parked deliveries; for each of them, and each endpoint this replica knows to be paused or resuming:
 * <ol>
 *   <li>deliveries parked longer than {@code PARKED_RETENTION} are dead-lettered (the record says so);</li>
 *   <li>a probe, when due: the oldest parked delivery, sent as itself; a 2xx resumes the endpoint;</li>
 *   <li>the release, while it takes deliveries again: its parked deliveries in order, at most
 *       {@code ENDPOINT_RESUME_RATE} a second, each with its own webhook-id, freshly signed, removed from the lane once it
 *       has ended. A failure that says the endpoint is not back stops the release there (the endpoint is paused again).</li>
 * </ol>
 * And the {@code endpoint.paused} / {@code endpoint.resumed} events, queued as deliveries to the caller's other endpoints.
 */
public class EndpointHealthRoute extends RouteBuilder {

    static final String TURN = "direct:endpoint-turn";
    static final String SEND_PARKED = "direct:send-parked";
    static final String EXPIRE_PARKED = "direct:expire-parked";
    static final String ENDPOINT = "endpoint_ref";
    /**
     * A recover: the endpoint's dead-lettered deliveries since a time, not delivered since, back in its parked lane in
     * order (property {@code EndpointRecovery.PROGRESS} set by {@code endpointRecovery.start}); the body is the answer.
     */
    public static final String RECOVER = "direct:recover-endpoint";

    @Override
    public void configure() {
        from("timer:endpoint-health?period={{gateway.endpoints.check-seconds}}s&delay={{gateway.endpoints.check-seconds}}s")
            .routeId("endpoint-health")
            .autoStartup("{{gateway.delivery.stage-enabled}}")
            .onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Endpoint health check skipped, the store is unavailable: ${exception.message}")
            .end()
            .setBody(method("endpointMaintenance", "endpoints")).id("list-parked-endpoints")
            .split(body())
                .to(TURN)
            .end();

        // one endpoint's turn; a failure ends its turn only (the next pass tries again)
        from(TURN)
            .routeId("endpoint-turn")
            .onException(ReleaseStopped.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Endpoint ${exchangeProperty." + ENDPOINT + "}: ${exception.message}")
            .end()
            .onException(StoreUnavailable.class)
                .handled(true)
                .log(LoggingLevel.WARN, "Endpoint ${exchangeProperty." + ENDPOINT + "}: the store is unavailable: ${exception.message}")
            .end()
            // anything else ends this endpoint's turn only, said once a pass; the next pass tries again
            .onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Endpoint ${exchangeProperty." + ENDPOINT + "}: its turn failed: ${exception}")
            .end()
            .setProperty(ENDPOINT, body())
            .bean("endpointMaintenance", "count")
            // 1. parked too long: dead-lettered
            .split(method("endpointMaintenance", "expired"))
                .to(EXPIRE_PARKED)
            .end()
            .setBody(exchangeProperty(ENDPOINT))
            // 2. a probe when one is due (and this replica took it): the oldest parked delivery
            .setBody(method("endpointMaintenance", "probe"))
            .filter(body().isNotNull())
                .to(SEND_PARKED).id("send-probe")
                .filter(exchangeProperty(FlowProperties.REFUSED).isNull())
                    .setBody(exchangeProperty(ENDPOINT))
                    .bean("endpointMaintenance", "probeSucceeded")
                .end()
            .end()
            // 3. the release, in order, throttled; stops at the first failure that says the endpoint is not back
            .setBody(exchangeProperty(ENDPOINT))
            .split(method("endpointMaintenance", "release")).stopOnException()
                .throttle(simple("${properties:gateway.endpoints.resume-rate}")).totalRequestsMode().timePeriodMillis(1000)
                    .to(SEND_PARKED).id("release-parked")
                .end()
            .end();

        // a parked delivery sent (a probe or a release): prepared, signed and recorded as the delivery route does it, one
        // attempt; ended (delivered, or refused and dead-lettered) it leaves the lane
        from(SEND_PARKED)
            .routeId("send-parked")
            .errorHandler(noErrorHandler())
            .removeProperty(FlowProperties.REFUSED)
            .bean("parkedDeliveries", "load")
            .filter(body().isNotNull())
                .doTry()
                    .bean("outboundWebhook", "prepare")
                    .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "delivering")).to(TrackingRoute.RECORD_CHANGE).id("record-releasing")
                    .to(WebhookDeliverRoute.ATTEMPT).id("post-parked")
                    .bean("attemptReport", "succeeded")
                    .log("Delivered parked ${exchangeProperty." + FlowProperties.WEBHOOK_ID + "} to ${exchangeProperty."
                            + FlowProperties.DELIVERY_TARGET + ".label()} (HTTP ${header.CamelHttpResponseCode})")
                    .bean("deliveryStageRecords", "outcome(*, 'delivered')")
                    .bean("parkedDeliveries", "remove").id("remove-released")
                    .to(WebhookDeliverRoute.DELIVERY_ENDED).id("record-released")
                // the endpoint is not back: the delivery stays first in its lane, the release stops
                .doCatch(HttpOperationFailedException.class, IOException.class, DestinationFailure.class)
                    .onWhen(method("deliveryFailures", "isRetryableOrGone"))
                    .process("deliveryFailures")
                    .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "parkedAttemptFailed")).to(TrackingRoute.RECORD_CHANGE).id("record-release-failed")
                    .throwException(ReleaseStopped.class, "${exchangeProperty." + FlowProperties.FAILURE + "}")
                // refused (another 4xx, 3xx), blocked, gone from CALLERS_FILE, unreadable: that one is dead-lettered, the
                // rest go on
                .doCatch(HttpOperationFailedException.class, BlockedAddressException.class, UndeliverableTarget.class,
                        MalformedMessageException.class, DestinationFailure.class)
                    .process("deliveryFailures")
                    .setProperty(FlowProperties.REFUSED, constant(true))
                    .log(LoggingLevel.ERROR, "Parked delivery to ${exchangeProperty." + FlowProperties.DELIVERY_TARGET
                            + ".label()} refused, dead-lettered: ${exchangeProperty." + FlowProperties.FAILURE + "}")
                    .to(WebhookDeliverRoute.DEAD_LETTER_DELIVERY).id("end-refused-parked")
                .end()
            .end();

        // parked longer than PARKED_RETENTION: dead-lettered, with the record told and a copy kept for a recover
        from(EXPIRE_PARKED)
            .routeId("expire-parked")
            .bean("parkedDeliveries", "load")
            .filter(body().isNotNull())
                .setProperty(Exchange.EXCEPTION_CAUGHT, method("endpointMaintenance", "tooLong"))
                .log(LoggingLevel.ERROR, "Parked delivery ${exchangeProperty." + FlowProperties.WEBHOOK_ID
                        + "} dead-lettered: ${exchangeProperty." + Exchange.EXCEPTION_CAUGHT + ".message}")
                .to(WebhookDeliverRoute.DEAD_LETTER_DELIVERY).id("end-expired-parked")
            .end();

        from(RECOVER)
            .routeId("recover-endpoint")
            .errorHandler(noErrorHandler())
            .split(method("endpointRecovery", "candidates")).stopOnException()
                .bean("endpointRecovery", "identify")
                // delivered since (a redrive, a resend): not sent again
                .to(TrackingRoute.READ_RECORD).id("read-recovered-record")
                .filter(PredicateBuilder.not(method("endpointRecovery", "delivered")))
                    .bean("endpointRecovery", "park").id("park-recovered")
                    .setProperty(RecordWriter.CHANGE, method("deliveryStageRecords", "recovered")).to(TrackingRoute.RECORD_CHANGE).id("record-recovered")
                .end()
            .end()
            .setBody(method("endpointRecovery", "finish"));

        // endpoint.paused / endpoint.resumed: one delivery per subscribed endpoint of the caller, on the deliveries queue
        from(EndpointNotices.EVENT_ROUTE)
            .routeId("endpoint-event")
            .split(method("deliveryFanOut", "messages")).stopOnException()
                .to(AgentInvokeRoute.DELIVERIES).id("enqueue-endpoint-event")
            .end();
    }
}
