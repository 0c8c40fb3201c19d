package gateway.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MarkdownPlainTextTest {

    private final MarkdownPlainText renderer = new MarkdownPlainText();

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, markdown, expected plain text
                Arguments.of("null", null, ""),
                Arguments.of("empty", "", ""),
                Arguments.of("blank", "  \n\t\n", ""),
                Arguments.of("plain", "Hello world", "Hello world"),

                // the original regex stripper's defects
                Arguments.of("snake_case kept", "Use the snake_case_name field of user_id", "Use the snake_case_name field of user_id"),
                Arguments.of("amount times two", "Revenue: $1.2M * 2 = $2.4M", "Revenue: $1.2M * 2 = $2.4M"),
                Arguments.of("intraword stars", "compute a*b*c now", "compute a*b*c now"),
                Arguments.of("digits with stars", "2*3*4 = 24", "2*3*4 = 24"),
                Arguments.of("intraword strong", "x**y**z", "x**y**z"),
                Arguments.of("inline code keeps _ and *", "Call `get_user_id(a*b*c)` first", "Call get_user_id(a*b*c) first"),
                Arguments.of("fenced code verbatim",
                        "```python\ndef my_func(x):\n    return x * 2  # a*b*c, __init__\n\n\n\n# **not bold**\n```",
                        "def my_func(x):\n    return x * 2  # a*b*c, __init__\n\n\n\n# **not bold**"),
                Arguments.of("indented code verbatim", "text\n\n    x_y = a*b*c\n      _z_", "text\n\nx_y = a*b*c\n  _z_"),
                Arguments.of("escaped stars", "\\*not emphasis\\*", "*not emphasis*"),

                // structure
                Arguments.of("heading", "# Title\nBody text", "Title\n\nBody text"),
                Arguments.of("setext heading", "Title\n=====\n\nBody", "Title\n\nBody"),
                Arguments.of("paragraphs", "one\n\ntwo", "one\n\ntwo"),
                Arguments.of("collapse blank lines", "one\n\n\n\n\ntwo", "one\n\ntwo"),
                Arguments.of("bullets", "* one\n* two\n+ three", "- one\n- two\n\n- three"),
                Arguments.of("ordered", "1. first\n2. second", "1. first\n2. second"),
                Arguments.of("ordered start and paren", "3) c\n4) d", "3) c\n4) d"),
                Arguments.of("nested list", "- a\n  - b\n  - c\n- d", "- a\n  - b\n  - c\n- d"),
                Arguments.of("loose list", "- a\n\n- b", "- a\n\n- b"),
                Arguments.of("multi-paragraph item", "1. first\n\n   more\n2. second", "1. first\n\n   more\n\n2. second"),
                Arguments.of("emphasis and strong", "**bold**, *em*, _em_ and ***both***", "bold, em, em and both"),
                Arguments.of("link with text", "See [the docs](https://example.com/docs).", "See the docs (https://example.com/docs)."),
                Arguments.of("autolink once", "<https://example.com>", "https://example.com"),
                Arguments.of("url as text once", "[https://example.com](https://example.com)", "https://example.com"),
                Arguments.of("mail autolink", "<ops@example.com>", "ops@example.com"),
                Arguments.of("image alt", "![Revenue chart](chart.png)", "Revenue chart"),
                Arguments.of("block quote", "> quoted **text**\n> more", "quoted text\nmore"),
                Arguments.of("hard break", "line one  \nline two\\\nline three", "line one\nline two\nline three"),
                Arguments.of("soft break", "line one\nline two", "line one\nline two"),
                Arguments.of("html block dropped", "<div class=\"x\">\nhidden\n</div>\n\nafter", "after"),
                Arguments.of("inline html dropped", "x <b>y</b> z", "x y z"),
                Arguments.of("thematic break dropped", "above\n\n---\n\nbelow", "above\n\nbelow"),
                Arguments.of("entities decoded", "Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
                Arguments.of("table", "| Region | Revenue |\n|---|---:|\n| EMEA | $1.2M |\n| us_east | **$3M** |",
                        "Region | Revenue\nEMEA | $1.2M\nus_east | $3M"),
                Arguments.of("trailing whitespace", "text   \n\n", "text"),
                Arguments.of("emoji and euro", "Costs €5 🎉 — done ✅", "Costs €5 🎉 — done ✅"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersPlainText(String name, String markdown, String expected) {
        assertThat(renderer.render(markdown)).isEqualTo(expected);
    }

    @Test
    void rendersARealisticAgentAnswer() {
        String markdown = """
                ## Q3 pipeline summary 📊

                Here is what I found for **EMEA** in `opportunity_stage`:

                - Closed won: *12 deals*, total **€1.8M**
                - Forecast: $1.2M * 2 if the renewal_rate holds
                - Details in [the dashboard](https://bi.example.com/q3?region=emea&view=full)

                | Stage | Count | Value |
                |-------|------:|------:|
                | prospecting | 40 | €3.1M |
                | closed_won | 12 | €1.8M |

                ```sql
                SELECT stage_name, SUM(amount) * 2
                FROM opportunity_stage
                WHERE region = 'EMEA';
                ```

                > Note: figures exclude *pending* deals.

                1. Follow up with account_owner
                2. Re-run next week
                """;

        String expected = """
                Q3 pipeline summary 📊

                Here is what I found for EMEA in opportunity_stage:

                - Closed won: 12 deals, total €1.8M
                - Forecast: $1.2M * 2 if the renewal_rate holds
                - Details in the dashboard (https://bi.example.com/q3?region=emea&view=full)

                Stage | Count | Value
                prospecting | 40 | €3.1M
                closed_won | 12 | €1.8M

                SELECT stage_name, SUM(amount) * 2
                FROM opportunity_stage
                WHERE region = 'EMEA';

                Note: figures exclude pending deals.

                1. Follow up with account_owner
                2. Re-run next week""";

        assertThat(renderer.render(markdown)).isEqualTo(expected);
    }

    @Test
    void oneInstanceIsSafeToShareAcrossThreads() throws Exception {
        List<String> inputs = cases().map(a -> (String) a.get()[1]).toList();
        List<String> expected = cases().map(a -> (String) a.get()[2]).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < inputs.size(); i++) {
                        if (!renderer.render(inputs.get(i)).equals(expected.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
