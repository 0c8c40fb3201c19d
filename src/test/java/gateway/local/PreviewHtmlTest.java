package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;
import org.junit.jupiter.api.Test;

/** The preview's HTML: only its own tags; the message's text escaped; links only to http(s). */
class PreviewHtmlTest {

    @Test
    void writesMarksAsTagsAndTheMessagesTextEscaped() {
        ChatPreview preview = new ChatPreview("Slack", "<img src=x onerror=alert(1)>", List.of(
                new ChatPreview.Text(List.of(Span.plain("Title & <b>")), Look.STRONG, Look.LARGE),
                new ChatPreview.Text(List.of(new Span("<script>alert('x')</script>", Set.of(Mark.BOLD, Mark.ITALIC), null),
                        new Span("x&y", Set.of(Mark.CODE), null), new Span("@channel", Set.of(Mark.MENTION), null),
                        new Span("~gone~", Set.of(Mark.STRIKE), null))),
                new ChatPreview.Preformatted("a < b && \"c\""),
                new ChatPreview.Divider(),
                new ChatPreview.Facts(List.of(new ChatPreview.Fact(List.of(Span.plain("Tracking <id>")), List.of(Span.plain("t&1"))))),
                new ChatPreview.Fields(List.of(List.of(Span.plain("a")), List.of(Span.plain("b")), List.of(Span.plain("c"))))));

        String html = PreviewHtml.of(preview);

        assertThat(html).isEqualTo("<div class=\"chat slack\">"
                + "<div class=\"t strong large\">Title &amp; &lt;b&gt;</div>"
                + "<div class=\"t\"><b><i>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</i></b><code>x&amp;y</code>"
                + "<span class=\"mention\">@channel</span><s>~gone~</s></div>"
                + "<pre>a &lt; b &amp;&amp; &quot;c&quot;</pre><hr>"
                + "<table class=\"facts\"><tr><th>Tracking &lt;id&gt;</th><td>t&amp;1</td></tr></table>"
                + "<table class=\"fields\"><tr><td class=\"t\">a</td><td class=\"t\">b</td></tr>"
                + "<tr><td class=\"t\">c</td><td class=\"t\"></td></tr></table>"
                + "<p class=\"fallback\">Notification text: &lt;img src=x onerror=alert(1)&gt;</p></div>");
    }

    @Test
    void linksOnlyToHttpUrlsWithTheirTargetEscaped() {
        ChatPreview preview = new ChatPreview("Teams", null, List.of(new ChatPreview.Text(List.of(
                new Span("web", Set.of(), "https://x.example/a?b=1&c=\"2\"'"),
                new Span("script", Set.of(), "javascript:alert(1)"),
                new Span("data", Set.of(), "data:text/html,<script>alert(1)</script>"),
                new Span("spaced", Set.of(), "https://x.example/ onmouseover=alert(1)"),
                new Span("bold link", Set.of(Mark.BOLD), "http://y.example")))));

        String html = PreviewHtml.of(preview);

        assertThat(html).isEqualTo("<div class=\"chat teams\"><div class=\"t\">"
                + "<a href=\"https://x.example/a?b=1&amp;c=&quot;2&quot;&#39;\" rel=\"noopener noreferrer nofollow\">web</a>"
                + "scriptdataspaced"
                + "<a href=\"http://y.example\" rel=\"noopener noreferrer nofollow\"><b>bold link</b></a></div></div>");
    }
}
