package routes;

import gateway.intake.IntakeRejection;
import gateway.intake.IntakeResponses;
import gateway.intake.RequestQueueMessage;
import gateway.intake.TrackingIds;
import gateway.json.Timestamps;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code POST /webhook}: read and validate the caller's JSON, put it on the requests queue, answer 202
 * with a tracking id. Bad input gets a JSON error with the right status and nothing is queued; a queue
 * that cannot be written gets 503 so the caller retries.
 */
public class WebhookIntakeRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhook")
            .routeId("webhook-intake")
            // bad input: 400 / 413 / 415 with the original's error body; nothing was queued
            .onException(IntakeRejection.class)
                .handled(true)
                .log(LoggingLevel.INFO, "Rejected ${exchangeProperty.tracking_id}: ${exception.message}")
                .bean("intakeResponses", "rejected")
            .end()
            // the queue cannot be written: 503, the caller may retry
            .onException(SdkException.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Queue unavailable for ${exchangeProperty.tracking_id}: ${exception.class.simpleName}")
                .bean("intakeResponses", "unavailable")
            .end()
            .bean(TrackingIds.class, "assign")
            .setProperty(IntakeResponses.ORIGIN, header("Origin"))
            .choice()
                .when(header(Exchange.HTTP_METHOD).isEqualTo("OPTIONS"))
                    .bean("intakeResponses", "preflight")
                    .stop()
                .when(header(Exchange.HTTP_METHOD).isNotEqualTo("POST"))
                    .bean("intakeResponses", "methodNotAllowed")
                    .stop()
            .end()
            .bean("jsonRequestBody", "read")
            .bean("webhookRequestValidator", "validate")
            .setProperty("source_system", method(RequestQueueMessage.class, "sourceSystemAttribute"))
            .setProperty("queued_at", method(Timestamps.class, "nowUtc"))
            .bean("requestQueueMessage", "build")
            // the queue message carries exactly the original's three attributes, no HTTP headers
            .removeHeaders("*")
            .setHeader("message_type", constant(RequestQueueMessage.MESSAGE_TYPE))
            .setHeader("tracking_id", exchangeProperty("tracking_id"))
            .setHeader("source_system", exchangeProperty("source_system"))
            .to("aws2-sqs:{{gateway.queue.requests}}").id("enqueue-request")
            .log("Queued ${exchangeProperty.tracking_id} from ${exchangeProperty.source_system}")
            .bean("intakeResponses", "accepted");
    }
}
