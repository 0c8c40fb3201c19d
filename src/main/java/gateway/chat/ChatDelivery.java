package gateway.chat;

import gateway.delivery.DeliveryMessage;

/**
 * What a chat message (Slack, Teams) says about one question: the question, the answer's markdown, the tracking id, the
 * caller's source system and process, how it ended, and for a failed question the error's message. Built from a
 * {@link DeliveryMessage} by {@link #of}; every text here is the caller's or the agent's, so untrusted.
 */
public record ChatDelivery(String question, String answerMarkdown, String trackingId, String sourceSystem,
                           String sourceProcess, Status status, String errorMessage) {

    /** How the question ended, as the webhook payload's {@code status} says it. */
    public enum Status {
        ANSWERED, FAILED, CANCELLED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ChatDelivery {
        question = question == null ? "" : question;
        answerMarkdown = answerMarkdown == null ? "" : answerMarkdown;
        trackingId = trackingId == null ? "" : trackingId;
        if (status == null) {
            throw new IllegalArgumentException("a chat delivery needs a status");
        }
    }

    /** The chat delivery of a delivery message (its answer only when answered). */
    public static ChatDelivery of(DeliveryMessage message) {
        Status status = message.answered() ? Status.ANSWERED : message.cancelled() ? Status.CANCELLED : Status.FAILED;
        return new ChatDelivery(message.query(), status == Status.ANSWERED ? message.response() : null,
                message.trackingId(), message.sourceSystem(), message.sourceProcess(), status,
                status == Status.FAILED ? message.errorMessage() : null);
    }

    /** {@code system / process}, either alone when the other is blank, "" when both are. */
    public String source() {
        boolean hasSystem = sourceSystem != null && !sourceSystem.isBlank();
        boolean hasProcess = sourceProcess != null && !sourceProcess.isBlank();
        if (hasSystem && hasProcess) {
            return sourceSystem.strip() + " / " + sourceProcess.strip();
        }
        return hasSystem ? sourceSystem.strip() : hasProcess ? sourceProcess.strip() : "";
    }
}
