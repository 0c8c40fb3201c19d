package gateway.local;

import java.util.List;

import gateway.local.ChatPreview.Block;
import gateway.local.ChatPreview.Look;
import gateway.local.ChatPreview.Mark;
import gateway.local.ChatPreview.Span;

/**
 * A {@link ChatPreview} as an HTML fragment for the receiver's page. Only this class writes tags; every text of the
 * message goes through {@link LocalReceiver#escape}, and a link's {@code href} is an http(s) URL (the only kind a
 * {@link Span} keeps), escaped the same way, opened with {@code rel="noopener noreferrer nofollow"}. So a message can
 * show any text, {@code <script>} included, but never add markup to the page.
 */
final class PreviewHtml {

    /** The page's styles for the fragments written here. */
    static final String STYLE = ".chat{border-left:4px solid #4a154b;padding:.2em 1em;margin:.6em 0;background:#fcfcfc}"
            + ".chat.teams{border-left-color:#5b5fc7}.chat .t{white-space:pre-wrap;margin:.35em 0}"
            + ".chat .strong{font-weight:bold}.chat .large{font-size:1.2em}.chat .subtle{color:#666}"
            + ".chat .attention{color:#b00}.chat .quote{border-left:3px solid #ccc;padding-left:.6em;color:#444}"
            + ".chat .context{font-size:.85em;color:#666}.chat .mention{background:#fff3c4;border-radius:3px}"
            + ".chat code{background:#eee;padding:0 .2em}.chat table{border-collapse:collapse}"
            + ".chat td,.chat th{text-align:left;vertical-align:top;padding:.1em 1em .1em 0}"
            + ".chat .fallback{font-size:.85em;color:#666}";

    private PreviewHtml() {
    }

    static String of(ChatPreview preview) {
        StringBuilder html = new StringBuilder(1024);
        html.append("<div class=\"chat ").append("Teams".equals(preview.tool()) ? "teams" : "slack").append("\">");
        for (Block block : preview.blocks()) {
            block(block, html);
        }
        if (preview.fallback() != null) {
            html.append("<p class=\"fallback\">Notification text: ").append(LocalReceiver.escape(preview.fallback()))
                    .append("</p>");
        }
        return html.append("</div>").toString();
    }

    private static void block(Block block, StringBuilder html) {
        if (block instanceof ChatPreview.Text text) {
            html.append("<div class=\"t");
            for (Look look : Look.values()) {
                if (text.has(look)) {
                    html.append(' ').append(look.name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            html.append("\">");
            spans(text.spans(), html);
            html.append("</div>");
        } else if (block instanceof ChatPreview.Preformatted pre) {
            html.append("<pre>").append(LocalReceiver.escape(pre.text())).append("</pre>");
        } else if (block instanceof ChatPreview.Divider) {
            html.append("<hr>");
        } else if (block instanceof ChatPreview.Facts facts) {
            html.append("<table class=\"facts\">");
            for (ChatPreview.Fact fact : facts.facts()) {
                html.append("<tr><th>");
                spans(fact.title(), html);
                html.append("</th><td>");
                spans(fact.value(), html);
                html.append("</td></tr>");
            }
            html.append("</table>");
        } else if (block instanceof ChatPreview.Fields fields) {
            html.append("<table class=\"fields\">");
            List<List<Span>> cells = fields.cells();
            for (int i = 0; i < cells.size(); i += 2) {
                html.append("<tr><td class=\"t\">");
                spans(cells.get(i), html);
                html.append("</td><td class=\"t\">");
                if (i + 1 < cells.size()) {
                    spans(cells.get(i + 1), html);
                }
                html.append("</td></tr>");
            }
            html.append("</table>");
        }
    }

    private static void spans(List<Span> spans, StringBuilder html) {
        for (Span span : spans) {
            StringBuilder inner = new StringBuilder(LocalReceiver.escape(span.text()));
            wrap(inner, span.has(Mark.CODE), "<code>", "</code>");
            wrap(inner, span.has(Mark.STRIKE), "<s>", "</s>");
            wrap(inner, span.has(Mark.ITALIC), "<i>", "</i>");
            wrap(inner, span.has(Mark.BOLD), "<b>", "</b>");
            wrap(inner, span.has(Mark.MENTION), "<span class=\"mention\">", "</span>");
            if (span.link() != null) { // an http(s) URL (Span keeps no other)
                inner.insert(0, "<a href=\"" + LocalReceiver.escape(span.link()) + "\" rel=\"noopener noreferrer nofollow\">")
                        .append("</a>");
            }
            html.append(inner);
        }
    }

    private static void wrap(StringBuilder inner, boolean on, String open, String close) {
        if (on) {
            inner.insert(0, open).append(close);
        }
    }
}
