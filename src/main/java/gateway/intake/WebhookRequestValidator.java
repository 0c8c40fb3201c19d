package gateway.intake;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The original's validation rules, in the original's order and words, with its defects fixed (a
 * non-string field gets a clear 400 instead of interpreter text).
 */
public class WebhookRequestValidator {

    public static final List<String> REQUIRED = List.of("query", "timestamp", "source_system", "source_process");
    public static final String INVALID_TIMESTAMP =
            "Invalid timestamp format. Expected ISO format (YYYY-MM-DDTHH:MM:SSZ)";

    /** What Python's {@code datetime.fromisoformat(ts.replace('Z', '+00:00'))} accepted. */
    private static final Pattern ISO_TIMESTAMP = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?");

    /** Checks the request, throwing {@link IntakeRejection} with the original's message. */
    public ObjectNode validate(ObjectNode request) {
        List<String> missing = new ArrayList<>();
        for (String field : REQUIRED) {
            if (isMissing(request.get(field))) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw IntakeRejection.badRequest("Missing required fields: " + String.join(", ", missing));
        }
        for (String field : REQUIRED) {
            if (!request.get(field).isTextual()) {
                throw IntakeRejection.badRequest("Field '" + field + "' must be a string");
            }
        }
        if (request.get("query").textValue().isBlank()) {
            throw IntakeRejection.badRequest("Query cannot be empty");
        }
        if (!isIsoTimestamp(request.get("timestamp").textValue())) {
            throw IntakeRejection.badRequest(INVALID_TIMESTAMP);
        }
        return request;
    }

    /** Absent, null and empty count as missing, as in the original (which tested for falsy values). */
    static boolean isMissing(JsonNode value) {
        if (value == null || value.isNull()) {
            return true;
        }
        if (value.isTextual()) {
            return value.textValue().isEmpty();
        }
        if (value.isContainerNode()) {
            return value.isEmpty();
        }
        if (value.isBoolean()) {
            return !value.booleanValue();
        }
        // doubleValue, not decimalValue: 1e999 parses to an infinite double, which has no decimal value
        return value.isNumber() && value.doubleValue() == 0;
    }

    static boolean isIsoTimestamp(String value) {
        if (!ISO_TIMESTAMP.matcher(value).matches()) {
            return false;
        }
        String normalised = value.replace(' ', 'T');
        try {
            if (normalised.length() == 10) {
                LocalDate.parse(normalised);
            } else if (normalised.endsWith("Z") || normalised.matches(".*[+-]\\d{2}:\\d{2}$")) {
                OffsetDateTime.parse(normalised);
            } else {
                LocalDateTime.parse(normalised);
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
