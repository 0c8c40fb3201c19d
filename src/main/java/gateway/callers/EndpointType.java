package gateway.callers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an endpoint in {@code CALLERS_FILE} is ({@code type}, default {@code webhook}): where its deliveries go and in
 * which form. {@link #WEBHOOK}: the signed JSON POST. {@link #SLACK} and {@link #TEAMS}: the event rendered as a chat
 * message (Block Kit; an Adaptive Card) POSTed to the service's incoming-webhook URL. {@link #SQS}, {@link #SNS},
 * {@link #EVENTBRIDGE}: the webhook's JSON payload sent with the gateway's own AWS identity to a queue, a topic or an
 * event bus, its {@code webhook-id}, timestamp and signature as message attributes. The delivery route chooses by it.
 */
public enum EndpointType {
    WEBHOOK, SLACK, TEAMS, SQS, SNS, EVENTBRIDGE;

    /** The name in the callers file, the APIs and the labels: {@code webhook}, {@code slack}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code text} in the callers file (exact, lower case); empty when there is none. */
    public static Optional<EndpointType> of(String text) {
        return Arrays.stream(values()).filter(type -> type.wireName().equals(text)).findFirst();
    }

    /** Slack or Teams: a chat message POSTed to the service's own https host. */
    public boolean chat() {
        return this == SLACK || this == TEAMS;
    }

    /** SQS, SNS or EventBridge: sent through the AWS SDK, not over the gateway's HTTP client. */
    public boolean aws() {
        return this == SQS || this == SNS || this == EVENTBRIDGE;
    }

    /** The names, for the error that lists them. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(EndpointType::wireName).toList());
    }
}
