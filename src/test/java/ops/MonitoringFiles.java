package ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What ships for operators in k8s/monitoring: the Grafana dashboard's queries, the PrometheusRule's rules, and the
 * metric names a PromQL expression reads.
 */
final class MonitoringFiles {

    static final Path DIR = AppSettings.ROOT.resolve("k8s/monitoring");
    static final Path DASHBOARD = DIR.resolve("dashboard.json");
    static final Path ALERTS = DIR.resolve("alerts.yaml");
    static final Path ALERT_TESTS = DIR.resolve("alerts-test.yaml");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Strings, label matchers, ranges and label lists: what a PromQL expression holds besides metric names. */
    private static final List<Pattern> NOT_NAMES = List.of(
            Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`"),
            Pattern.compile("\\{[^}]*}"),
            Pattern.compile("\\[[^\\]]*]"),
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)"),
            Pattern.compile("\\$\\{?\\w+}?"));
    /** An identifier that is not part of another token (a number's exponent, a duration) and not a function call. */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "start", "end");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,");

    private MonitoringFiles() {
    }

    /** The metric names a PromQL expression reads (with Grafana's {@code $variables} in it). */
    static Set<String> metricNames(String expr) {
        String rest = expr;
        for (Pattern notName : NOT_NAMES) {
            rest = notName.matcher(rest).replaceAll(" ");
        }
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every PromQL expression of the dashboard: each panel's targets, and the template variables' queries. */
    static List<String> dashboardExpressions() {
        JsonNode dashboard = read(JSON, DASHBOARD);
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        return exprs;
    }

    /** The metrics the dashboard's variables list labels of ({@code label_values(metric, label)}). */
    static Set<String> dashboardVariableMetrics() {
        Set<String> names = new TreeSet<>();
        for (JsonNode variable : read(JSON, DASHBOARD).path("templating").path("list")) {
            JsonNode query = variable.path("query");
            Matcher m = LABEL_VALUES.matcher(query.isObject() ? query.path("query").asText() : query.asText());
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The alert rules of the PrometheusRule (its spec.groups[*].rules[*]). */
    static List<JsonNode> alertRules() {
        List<JsonNode> rules = new ArrayList<>();
        read(YAML, ALERTS).path("spec").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    static JsonNode alertTests() {
        return read(YAML, ALERT_TESTS);
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
