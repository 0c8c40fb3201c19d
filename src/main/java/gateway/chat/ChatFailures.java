package gateway.chat;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The attempt's catch step for a Slack or Teams endpoint: the HTTP answer (or network error) Camel caught becomes a
 * {@link DestinationFailure} with what {@link ChatDeliveryErrors} says it means ({@code RETRY} with the service's
 * {@code Retry-After}, {@code PAUSE}, {@code DEAD_LETTER}) and its code ({@code slack_channel_not_found}), so the delivery
 * route's error handling treats it as it treats every destination's failure. A webhook's failure is left as it is.
 */
public class ChatFailures {

    private final ChatDeliveryErrors errors;

    public ChatFailures(ChatDeliveryErrors errors) {
        this.errors = errors;
    }

    /** Replaces the caught exception of a chat delivery with its {@link DestinationFailure}. */
    public void classify(Exchange exchange) {
        EndpointType type = exchange.getProperty(FlowProperties.ENDPOINT_TYPE, EndpointType.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (type == null || !type.chat() || cause == null || cause instanceof DestinationFailure) {
            return;
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(type, cause));
    }

    /** The {@link DestinationFailure} of a chat endpoint's failed attempt. */
    public DestinationFailure failure(EndpointType type, Throwable cause) {
        ChatDeliveryErrors.Service service = type == EndpointType.SLACK ? ChatDeliveryErrors.Service.SLACK
                : ChatDeliveryErrors.Service.TEAMS;
        ChatDeliveryErrors.Verdict verdict = errors.classify(service, cause);
        String who = type == EndpointType.SLACK ? "Slack" : "Teams";
        // the service's words are its error's name (the code); a network error is named by its class only: its message
        // may hold the URL, which is the endpoint's credential
        String message = verdict.httpStatus() > 0 ? who + " answered HTTP " + verdict.httpStatus() + " (" + verdict.code() + ")"
                : who + " could not be reached (" + verdict.code() + ")";
        return verdict.failure(message, cause instanceof HttpOperationFailedException http ? http.getResponseBody() : null);
    }
}
