package ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is the one place the settings are written down: each environment variable the app reads
 * ({@link AppSettings#envNames()}: the {@code {{env:NAME}}} placeholders of the properties files, {@code ${env:NAME}} in
 * log4j2.xml, and the few the JVM and Camel Main read themselves) has exactly one row in its tables, every row names
 * a variable the app reads, and a row's default is the one the properties give. No other page has a settings table.
 */
class ConfigurationDocTest {

    static final Path DOC = AppSettings.ROOT.resolve("docs/configuration.md");
    /** The header of every settings table; other tables of the page are not settings tables. */
    static final String HEADER = "| variable | default | meaning |";
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

    /** One variable of a settings table's row (a row names one variable; the parser takes several). */
    record Row(String name, String defaultCell, int line) {
    }

    @Test
    void everySettingTheAppReadsHasExactlyOneRowAndEveryRowIsRead() throws IOException {
        List<Row> rows = rows(Files.readAllLines(DOC));
        assertThat(rows).as("settings tables in docs/configuration.md").isNotEmpty();
        assertThat(problems(AppSettings.envNames(), rows)).as("docs/configuration.md against the settings the app reads")
                .isEmpty();
    }

    @Test
    void eachRowsDefaultIsTheOneThePropertiesGive() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Row row : rows(Files.readAllLines(DOC))) {
            Optional<String> expected = AppSettings.defaultOf(row.name())
                    .or(() -> AppSettings.defaultIn(AppSettings.LOCAL_RESOURCES.resolve("application-local.properties"), row.name()));
            if (expected.isPresent() && !expected.get().isEmpty() && !row.defaultCell().contains("`" + expected.get() + "`")) {
                wrong.add(row.name() + " (line " + row.line() + "): the properties give `" + expected.get() + "`, the row says "
                        + row.defaultCell());
            }
        }
        assertThat(wrong).as("defaults in docs/configuration.md").isEmpty();
    }

    @Test
    void noOtherPageHasASettingsTable() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path page : DocPages.all()) {
            if (page.equals(DOC)) {
                continue;
            }
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                if (isHeader(lines.get(i))) {
                    found.add(DocPages.name(page) + ":" + (i + 1));
                }
            }
        }
        assertThat(found).as("settings tables outside docs/configuration.md (link to it instead)").isEmpty();
    }

    /** The check itself: a missing row, a row nothing reads and a repeated row are each reported. */
    @Test
    void theCheckReportsAMissingAnUnreadAndARepeatedRow() {
        List<String> doc = List.of(
                "# Configuration",
                "",
                "| variable | default | meaning |",
                "|---|---|---|",
                "| `HTTP_PORT` | `8080` | business traffic |",
                "| `NOBODY_READS_THIS` | `1` | a row left behind |",
                "",
                "Some text between tables, with `HTTP_PORT` in it.",
                "",
                "| variable | default | meaning |",
                "|---|---|---|",
                "| `HTTP_PORT` | `8080` | once more |",
                "",
                "| other | table |",
                "|---|---|",
                "| `MANAGEMENT_PORT` | not a settings table |");
        List<Row> rows = rows(doc);
        assertThat(rows).extracting(Row::name).containsExactly("HTTP_PORT", "NOBODY_READS_THIS", "HTTP_PORT");
        assertThat(rows.get(0).line()).isEqualTo(5);
        assertThat(problems(Set.of("HTTP_PORT", "MANAGEMENT_PORT"), rows)).containsExactly(
                "MANAGEMENT_PORT is read by the app but has no row",
                "NOBODY_READS_THIS (line 6) has a row but nothing reads it",
                "HTTP_PORT has 2 rows (lines 5, 12)");
        assertThat(problems(Set.of("HTTP_PORT", "NOBODY_READS_THIS"), rows.subList(0, 2))).isEmpty();
    }

    /** Every variable named in the first cell of a settings table's rows, with the row's default cell. */
    static List<Row> rows(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (isHeader(line)) {
                inTable = true;
                i++; // the |---|---|---| line
                continue;
            }
            if (!inTable || !line.startsWith("|")) {
                inTable = false;
                continue;
            }
            String[] cells = line.substring(1).split("\\|");
            Matcher names = NAME.matcher(cells[0]);
            boolean any = false;
            while (names.find()) {
                rows.add(new Row(names.group(1), cells.length > 1 ? cells[1].strip() : "", i + 1));
                any = true;
            }
            if (!any) {
                throw new AssertionError("docs/configuration.md line " + (i + 1) + ": a settings row without a `NAME`: " + line);
            }
        }
        return rows;
    }

    /** What is wrong with the rows, measured against the variables the app reads; empty when nothing is. */
    static List<String> problems(Set<String> read, List<Row> rows) {
        Map<String, List<Integer>> documented = new LinkedHashMap<>();
        for (Row row : rows) {
            documented.computeIfAbsent(row.name(), n -> new ArrayList<>()).add(row.line());
        }
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(read)) {
            if (!documented.containsKey(name)) {
                problems.add(name + " is read by the app but has no row");
            }
        }
        documented.forEach((name, lines) -> {
            if (!read.contains(name)) {
                problems.add(name + " (line " + lines.get(0) + ") has a row but nothing reads it");
            }
        });
        documented.forEach((name, lines) -> {
            if (lines.size() > 1) {
                problems.add(name + " has " + lines.size() + " rows (lines "
                        + String.join(", ", lines.stream().map(String::valueOf).toList()) + ")");
            }
        });
        return problems;
    }

    private static boolean isHeader(String line) {
        return line.strip().replaceAll("\\s+", " ").equalsIgnoreCase(HEADER);
    }
}
