package ops;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each alert of k8s/monitoring/alerts.yaml can be acted on: a severity, a summary and a description, and a runbook_url
 * whose anchor is a section of docs/operations.md; and each has promtool unit tests (alerts-test.yaml) in which it
 * fires and in which it does not (promtool itself runs them in `mvn verify`).
 */
class AlertRulesTest {

    static final String RUNBOOK = "docs/operations.md#";

    @Test
    void everyAlertHasASeverityItsTextsAndARunbookSection() throws IOException {
        Set<String> anchors = DocLinksTest.anchors(Files.readAllLines(AppSettings.ROOT.resolve("docs/operations.md")));
        List<JsonNode> rules = MonitoringFiles.alertRules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
        List<String> problems = new ArrayList<>();
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            if (!Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText())) {
                problems.add(alert + ": severity is not critical, warning or info");
            }
            for (String annotation : List.of("summary", "description")) {
                if (rule.path("annotations").path(annotation).asText().isBlank()) {
                    problems.add(alert + ": no " + annotation);
                }
            }
            String runbook = rule.path("annotations").path("runbook_url").asText();
            int at = runbook.indexOf(RUNBOOK);
            if (at < 0 || !anchors.contains(runbook.substring(at + RUNBOOK.length()))) {
                problems.add(alert + ": runbook_url " + runbook + " is no section of docs/operations.md");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() {
        List<String> firing = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        for (JsonNode test : MonitoringFiles.alertTests().path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
            }
        }
        List<String> alerts = MonitoringFiles.alertRules().stream().map(r -> r.path("alert").asText()).toList();
        assertThat(firing).as("alerts tested firing").containsAll(alerts);
        assertThat(quiet).as("alerts tested quiet").containsAll(alerts);
    }
}
