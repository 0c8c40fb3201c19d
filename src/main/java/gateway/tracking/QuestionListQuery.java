package gateway.tracking;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import gateway.agent.AgentSessions;
import gateway.intake.IntakeRejection;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The query of {@code GET /webhook}: {@code outcome}, {@code status}, {@code session_id}, {@code since} (inclusive) and
 * {@code until} (exclusive) on {@code queued_at}, {@code q} (a case-insensitive substring of the question), {@code limit}
 * (1-100, default 20), {@code endpoint} (the questions with a delivery to the caller's endpoint of that name, as
 * {@code GET /endpoints} names it) and {@code cursor}. Read from the request's query string itself (a request header of the same
 * name cannot stand in for a parameter); a bad or repeated value is a 400, a parameter of another name is ignored (as
 * the status lookup ignores them).
 */
public record QuestionListQuery(String outcome, String status, String sessionId, Instant since, Instant until, String q,
                                String endpoint, int limit, String after) {

    /** Exchange property: the query as read. */
    public static final String PROPERTY = "question_list_query";
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_Q_CHARS = 200;
    static final Set<String> OUTCOMES = Set.of(QuestionOutcome.ANSWERED, QuestionOutcome.FAILED, QuestionOutcome.CANCELLED, "open");
    private static final Set<String> NAMES = Set.of("outcome", "status", "session_id", "since", "until", "q", "endpoint", "limit", "cursor");
    /** An endpoint's name as the callers file allows it ({@code gateway.callers.CallersFile}), or callback URLs' name. */
    private static final Pattern ENDPOINT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}|callback:https?:[^/?#\\s]{1,253}:[0-9]{1,5}");

    /** True when a filter reads the summaries themselves (status, outcome, q, endpoint): the work per page is bounded. */
    public boolean readsSummaries() {
        return outcome != null || status != null || q != null || endpoint != null;
    }

    /** Reads the request's query string into {@link #PROPERTY}; 400 for a bad value. */
    public static void read(@Header(Exchange.HTTP_QUERY) String rawQuery, Exchange exchange) {
        exchange.setProperty(PROPERTY, parse(rawQuery));
    }

    public static QuestionListQuery parse(String rawQuery) {
        Map<String, String> params = params(rawQuery);
        String outcome = params.get("outcome");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw bad("Invalid outcome: expected answered, failed, cancelled or open");
        }
        String status = params.get("status");
        if (status != null && (TrackingStatus.fromWire(status) == null || !TrackingStatus.fromWire(status).wireName().equals(status))) {
            throw bad("Invalid status: expected queued, processing, answered, failed, delivering, delivered, dead_lettered or cancelled");
        }
        String sessionId = params.get("session_id");
        if (sessionId != null && !AgentSessions.isValid(sessionId)) {
            throw bad("Invalid session_id: expected 2-100 characters from A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        }
        Instant since = instant(params, "since");
        Instant until = instant(params, "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw bad("Invalid since/until: since must be before until");
        }
        String q = params.get("q");
        if (q != null && (q.isBlank() || q.codePointCount(0, q.length()) > MAX_Q_CHARS)) {
            throw bad("Invalid q: expected 1-" + MAX_Q_CHARS + " characters");
        }
        String endpoint = params.get("endpoint");
        if (endpoint != null && !ENDPOINT.matcher(endpoint).matches()) {
            throw bad("Invalid endpoint: expected an endpoint's name as GET /endpoints shows it");
        }
        int limit = DEFAULT_LIMIT;
        String limitText = params.get("limit");
        if (limitText != null) {
            if (!limitText.matches("[0-9]{1,3}") || Integer.parseInt(limitText) < 1 || Integer.parseInt(limitText) > MAX_LIMIT) {
                throw bad("Invalid limit: expected an integer from 1 to " + MAX_LIMIT);
            }
            limit = Integer.parseInt(limitText);
        }
        String after = null;
        if (params.containsKey("cursor")) {
            after = IndexKeys.fromCursor(params.get("cursor")).orElseThrow(() -> bad("Invalid cursor: pass next_cursor as it came"));
        }
        return new QuestionListQuery(outcome, status, sessionId, since, until, q == null ? null : q.toLowerCase(Locale.ROOT),
                endpoint, limit, after);
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!NAMES.contains(name)) {
                continue; // like the status lookup: a parameter it does not know is no error
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.put(name, value) != null) {
                throw bad("Invalid query: parameter '" + name + "' is given more than once");
            }
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("Invalid query string: malformed percent-encoding");
        }
    }

    private static Instant instant(Map<String, String> params, String name) {
        String text = params.get(name);
        if (text == null) {
            return null;
        }
        try {
            Instant at = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            if (at.isBefore(Instant.EPOCH) || at.isAfter(IndexKeys.LATEST)) {
                throw bad("Invalid " + name + ": out of range");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw bad("Invalid " + name + ": expected an ISO-8601 instant such as 2025-08-14T09:18:00Z");
        }
    }

    private static IntakeRejection bad(String message) {
        return IntakeRejection.badRequest(message);
    }
}
