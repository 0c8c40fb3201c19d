package gateway.intake;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;

/**
 * A request's choices of events ({@code POST /webhook}): {@code events}, the event types its {@code callback_url} gets
 * (like Replicate's {@code webhook_events_filter}: without it, the final event only, as before), and
 * {@code stream_answer}, whether its event stream carries the answer as the agent writes it. 400 for anything else.
 */
public class EventChoices {

    /** The event types a request may choose for its callback URL. */
    public static final List<String> TYPES = List.of("query.started", "query.progress", "query.answered", "query.failed",
            "query.cancelled");

    public void check(@Body JsonNode request) {
        JsonNode events = request.get("events");
        if (events != null && !events.isNull()) {
            if (!request.hasNonNull(CallbackUrls.FIELD)) {
                throw IntakeRejection.badRequest("events applies to callback_url: give one, or choose events per endpoint in CALLERS_FILE");
            }
            if (!events.isArray() || events.isEmpty() || events.size() > TYPES.size()) {
                throw IntakeRejection.badRequest("Field 'events' must be a non-empty list of " + String.join(", ", TYPES));
            }
            for (JsonNode event : events) {
                if (!event.isTextual() || !Set.copyOf(TYPES).contains(event.textValue())) {
                    throw IntakeRejection.badRequest("Field 'events' must be a non-empty list of " + String.join(", ", TYPES));
                }
            }
        }
        JsonNode streamAnswer = request.get("stream_answer");
        if (streamAnswer != null && !streamAnswer.isNull() && !streamAnswer.isBoolean()) {
            throw IntakeRejection.badRequest("Field 'stream_answer' must be true or false");
        }
    }
}
