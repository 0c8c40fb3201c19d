package gateway.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the agent's {@code inputText}: a date-context block (weekday, date, HH:MM UTC, quarter,
 * month and year — agents rely on it to answer "this quarter"), a separator, then
 * {@code **USER REQUEST:**} and the query.
 *
 * <p>The text is the template resource {@value #DEFAULT_TEMPLATE}, editable without touching code.
 * Placeholders: {@code ${weekday}} (Friday), {@code ${month_day_year}} (November 28, 2025),
 * {@code ${time_utc}} (14:05), {@code ${quarter}} (Q4 2025), {@code ${month_year}} (November 2025),
 * {@code ${date_iso}} (2025-11-28), {@code ${year}} (2025), {@code ${query}}. Each is replaced
 * once, so a query containing {@code ${...}} stays as written.
 */
public class PromptBuilder {

    public static final String DEFAULT_TEMPLATE = "prompts/agent-prompt.txt";
    static final Set<String> PLACEHOLDERS =
            Set.of("weekday", "month_day_year", "time_utc", "quarter", "month_year", "date_iso", "year", "query");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_]+)}");
    private static final DateTimeFormatter WEEKDAY = DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH_DAY_YEAR = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH_YEAR = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);

    private final Clock clock;
    private final String template;

    public PromptBuilder() {
        this(Clock.systemUTC());
    }

    public PromptBuilder(Clock clock) {
        this(clock, loadTemplate(DEFAULT_TEMPLATE));
    }

    public PromptBuilder(Clock clock, String template) {
        this.clock = clock;
        this.template = template;
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalArgumentException("Unknown placeholder ${" + m.group(1) + "} in agent prompt template; known: " + PLACEHOLDERS);
            }
        }
        if (!template.contains("${query}")) {
            throw new IllegalArgumentException("The agent prompt template must contain ${query}");
        }
    }

    /** The agent input for this query, dated now. */
    public String build(String query) {
        Map<String, String> values = values(query);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + (query == null ? 0 : query.length()));
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The placeholder values for this query, dated now (UTC). */
    public Map<String, String> values(String query) {
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("weekday", WEEKDAY.format(now));
        v.put("month_day_year", MONTH_DAY_YEAR.format(now));
        v.put("time_utc", TIME.format(now));
        v.put("quarter", quarter(now));
        v.put("month_year", MONTH_YEAR.format(now));
        v.put("date_iso", now.toLocalDate().toString());
        v.put("year", String.valueOf(now.getYear()));
        v.put("query", query == null ? "" : query);
        return v;
    }

    /** {@code Q1 2025} for January to March, ... {@code Q4 2025} for October to December. */
    static String quarter(ZonedDateTime time) {
        return "Q" + ((time.getMonthValue() - 1) / 3 + 1) + " " + time.getYear();
    }

    static String loadTemplate(String resource) {
        try (InputStream in = PromptBuilder.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Agent prompt template not found on the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
