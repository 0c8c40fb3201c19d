package ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation's links hold: every relative markdown link in README.md, docs/*.md and k8s/README.md points at a
 * file or directory that exists, and every {@code #anchor} into a markdown page (or within one) is one of its
 * headings, as GitHub names them. Links in code blocks and code spans are not links; absolute URLs are not checked.
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : DocPages.all()) {
            broken.addAll(brokenLinks(page, Files.readAllLines(page)));
        }
        assertThat(broken).as("links that do not resolve").isEmpty();
    }

    @Test
    void theDocsTreeIsThere() {
        assertThat(DocPages.all()).extracting(DocPages::name).contains(
                "docs/architecture.md", "docs/api.md", "docs/callers.md", "docs/receivers.md", "docs/conversations.md",
                "docs/configuration.md", "docs/operations.md", "docs/security.md", "docs/benchmark.md", "docs/changing.md");
    }

    /** The check itself: a missing file, a wrong anchor into another page and one within the page are each reported. */
    @Test
    void theCheckReportsAMissingFileAndWrongAnchors() {
        Path page = AppSettings.ROOT.resolve("docs/example.md");
        List<String> lines = List.of(
                "# Example page",
                "## The `POST /webhook` call (with a body)",
                "See [the README](../README.md), [a folder](../src/main/java/routes) and [the web](https://camel.apache.org).",
                "[Gone](nowhere.md) and [bad anchor](configuration.md#no-such-heading), [good anchor](configuration.md#profiles).",
                "Here: [ok](#the-post-webhook-call-with-a-body), [not ok](#example).",
                "```",
                "[in a code block](not-checked.md)",
                "```",
                "And `[in a code span](not-checked.md)`.");
        assertThat(brokenLinks(page, lines)).containsExactly(
                "docs/example.md:4: nowhere.md: no such file",
                "docs/example.md:4: configuration.md#no-such-heading: no such heading in docs/configuration.md",
                "docs/example.md:5: #example: no such heading in docs/example.md");
    }

    @Test
    void anchorsAreNamedAsGitHubNamesThem() {
        assertThat(anchors(List.of("# AI Webhook Gateway", "## `GET /webhook/{tracking_id}`", "### Retry rules (all in one place)",
                "## 1. Build the image", "## Try it", "## Try it", "#### Order within a session")))
                .containsExactly("ai-webhook-gateway", "get-webhooktracking_id", "retry-rules-all-in-one-place",
                        "1-build-the-image", "try-it", "try-it-1", "order-within-a-session");
    }

    static List<String> brokenLinks(Path page, List<String> lines) {
        List<String> broken = new ArrayList<>();
        String name = DocPages.name(page);
        Map<Path, Set<String>> anchorsOf = new HashMap<>();
        anchorsOf.put(page, anchors(lines));
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (link.find()) {
                String target = link.group(2);
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!file.isEmpty() && !Files.exists(resolved)) {
                    broken.add(name + ":" + (i + 1) + ": " + target + ": no such file");
                    continue;
                }
                if (anchor != null && resolved.getFileName().toString().endsWith(".md")) {
                    Set<String> anchors = anchorsOf.computeIfAbsent(resolved, p -> anchors(readLines(p)));
                    if (!anchors.contains(anchor)) {
                        broken.add(name + ":" + (i + 1) + ": " + target + ": no such heading in "
                                + DocPages.name(resolved));
                    }
                }
            }
        }
        return broken;
    }

    /** The anchors GitHub gives a page's headings (and any {@code <a id>} of its own), in order. */
    static Set<String> anchors(List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        return anchors;
    }

    /** GitHub's heading id: the text without link targets, lower case, punctuation dropped, each space a hyphen. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]", "").replace(' ', '-');
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
