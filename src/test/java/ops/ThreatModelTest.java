package ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md names, for each threat, the tests that show it is stopped: every test it names must exist (the
 * class under src/test/java, and the method when one is named), so the threat model cannot fall behind the code
 * unnoticed. And each section names at least one test.
 */
class ThreatModelTest {

    static final Path DOC = AppSettings.ROOT.resolve("docs/security.md");
    static final Path TESTS = AppSettings.ROOT.resolve("src/test/java");
    static final Pattern REFERENCE = Pattern.compile("`((?:[a-z]+\\.)+[A-Z][A-Za-z0-9]*)(?:#([a-zA-Z0-9]+))?`");

    @Test
    void everyTestTheThreatModelNamesExists() throws IOException {
        String doc = Files.readString(DOC);
        Set<String> references = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        Matcher m = REFERENCE.matcher(doc);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("Test") && !type.endsWith("IT")) {
                continue; // a production class named in the text (gateway.logging.RedactSecrets, ...)
            }
            references.add(m.group());
            Path source = TESTS.resolve(type.replace('.', '/') + ".java");
            if (!Files.exists(source)) {
                missing.add(type + " (no such test class)");
                continue;
            }
            if (m.group(2) != null && !Pattern.compile("void\\s+" + m.group(2) + "\\s*\\(").matcher(Files.readString(source)).find()) {
                missing.add(type + "#" + m.group(2) + " (no such test method)");
            }
        }
        assertThat(missing).as("tests docs/security.md names").isEmpty();
        assertThat(references).as("the threat model names its tests").hasSizeGreaterThan(30);
    }

    @Test
    void everySectionNamesItsTests() throws IOException {
        String[] sections = Files.readString(DOC).split("\n## ");
        for (int i = 1; i < sections.length; i++) {
            String section = sections[i];
            if (section.startsWith("Left to the operator")) {
                continue;
            }
            assertThat(REFERENCE.matcher(section).results().anyMatch(r -> r.group(1).endsWith("Test")))
                    .as("section '%s' names a test", section.lines().findFirst().orElse("")).isTrue();
        }
    }
}
