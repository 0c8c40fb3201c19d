package gateway.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Answers mixed from the pieces that break chat messages (mentions, entities, fences, tables, long words, emoji, deep
 * lists), from a fixed seed so a failure is repeatable: every Slack message keeps Block Kit's rules and every Teams card
 * the Adaptive Card rules, and nothing mentions anyone.
 */
class ChatRenderingMixTest {

    private static final List<String> PIECES = List.of(
            "# Heading <!here>\n", "Plain text with & and < and > and &amp; and &#60;.\n", "<!channel> <@U123> <#C1>\n",
            "<at>Team</at> says hi\n", "- item\n  - nested *em* **strong**\n    1. deep `code`\n",
            "```\ncode <!here> ``` & </at>\n    indented\n```\n", "| a | b <@U1> |\n|---|---|\n| 1 | x&y |\n",
            "[link](https://example.com/a?b=1&c=<2>) [bad](javascript:x) <https://auto.example/x|y>\n",
            "emoji 🎉🎉🎉 and ünïcödé\n", "> quoted <!everyone>\n", "word".repeat(900) + "\n", "a&b<1>".repeat(700) + "\n",
            "***\n", "<div>html block</div>\n", "```\n" + "line of code\n".repeat(400) + "```\n", "`` ` `` and ``` inline\n");

    private final ObjectMapper mapper = new ObjectMapper();
    private final SlackMessage slack = new SlackMessage(mapper, new ChatMarkdown());
    private final TeamsCard teams = new TeamsCard(mapper, new ChatMarkdown());

    @Test
    void mixedAnswersKeepEveryRule() throws Exception {
        Random random = new Random(28);
        for (int round = 0; round < 150; round++) {
            StringBuilder answer = new StringBuilder();
            int pieces = 1 + random.nextInt(25);
            for (int i = 0; i < pieces; i++) {
                answer.append(PIECES.get(random.nextInt(PIECES.size()))).append(random.nextBoolean() ? "\n" : "");
            }
            String question = PIECES.get(random.nextInt(PIECES.size()));
            ChatDelivery.Status status = ChatDelivery.Status.values()[random.nextInt(3)];
            ChatDelivery delivery = new ChatDelivery(question, answer.toString(), "trk-" + round, "<!here>", "&",
                    status, status == ChatDelivery.Status.FAILED ? "<@U9> failed" : null);
            String md = answer.toString();

            JsonNode s = mapper.readTree(slack.render(delivery));
            List<String> slackProblems = BlockKitRules.violations(s);
            assertTrue(slackProblems.isEmpty(), () -> "round with answer:\n" + md + "\n" + slackProblems);
            for (String mention : List.of("<!here", "<!channel", "<!everyone", "<@U", "<#C")) {
                assertFalse(s.toString().contains(mention), mention);
            }

            JsonNode t = mapper.readTree(teams.render(delivery));
            List<String> teamsProblems = AdaptiveCardRules.violations(t);
            assertTrue(teamsProblems.isEmpty(), () -> "round with answer:\n" + md + "\n" + teamsProblems);
            int bytes = teams.render(delivery).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertTrue(bytes < 28_000, "within Teams' 28 KB: " + bytes);
        }
    }
}
