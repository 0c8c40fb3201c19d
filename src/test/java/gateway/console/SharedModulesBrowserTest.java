package gateway.console;

import java.util.Map;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consoles' shared modules in a real browser, under the console's own CSP: markdown.js renders an answer's markdown
 * and leaves hostile text inert; dom.js never makes a handler or a javascript: link out of text.
 */
class SharedModulesBrowserTest {

    static GatewayTestApp app;
    static BrowserSession browser;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.assumeAvailable();
        app = GatewayTestApp.start();
        browser = BrowserSession.start();
        // a page of the console's origin, with its CSP, to import the modules into
        browser.open(app.url("/console/shared/console.css"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** Renders markdown into a fresh <div id="out"> and returns its outerHTML. */
    static String render(String markdown) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/console/shared/markdown.js').then(m => {
                  document.getElementById('out')?.remove();
                  const out = document.createElement('div');
                  out.id = 'out';
                  out.appendChild(m.renderMarkdown(arguments[0]));
                  document.body.appendChild(out);
                  done(out.outerHTML);
                }, e => done('import failed: ' + e));
                """, markdown);
    }

    @Test
    void markdownBecomesElementsAndHostileTextStaysText() {
        String html = render("""
                # Title

                Some **bold**, *em* and `code <b>` with a [good link](https://example.com/a?b=1) and a \
                [bad one](javascript:alert(1)) and [relative](/admin) and <img src=x onerror=alert(1)>.

                - one
                - two
                  - nested

                1. first
                2. second

                | a | b |
                |---|--:|
                | <script>alert(1)</script> | 2 |

                ```html
                <img src=x onerror=alert(1)>
                ```

                > quoted [x](JaVaScRiPt:alert(1))
                """);
        assertThat(html).contains("<h3 class=\"md-heading\">Title</h3>", "<strong>bold</strong>", "<em>em</em>",
                "<code>code &lt;b&gt;</code>", "<li>one</li>", "<ol>", "<table>", "<th scope=\"col\"", "align-right",
                "&lt;script&gt;alert(1)&lt;/script&gt;", "<pre tabindex=\"0\"><code data-language=\"html\">&lt;img src=x",
                "<blockquote>", "href=\"https://example.com/a?b=1\"", "rel=\"noopener noreferrer\"");
        assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(html.toLowerCase()).doesNotContain("javascript:\"").doesNotContain("href=\"javascript")
                .doesNotContain("<img").doesNotContain("<script").doesNotContain("href=\"/admin")
                .doesNotContain("onerror=\"");
        assertThat(browser.all(By.cssSelector("#out img, #out script, #out [onerror], #out a[href^='javascript']"))).isEmpty();
        assertThat(browser.alertRaised()).isFalse();
    }

    @Test
    void onAnOpenGatewayTheCallerConsoleGoesStraightInAndSaysSo() throws Exception {
        // the local profile without a key setting: an unauthenticated GET /endpoints answers 200
        browser.open(app.url("/console/"));
        browser.awaitText(By.id("who"), "Open gateway: no key needed");
        browser.awaitText(By.id("list-status"), "No question matches.");
        assertThat(browser.all(By.id("api-key"))).isEmpty();
        assertThat(browser.all(By.id("sign-out"))).isEmpty();
        browser.screenshot("open-gateway-conversations");
        browser.assertAccessible("open-gateway-conversations");
        browser.open(app.url("/console/shared/console.css"));
    }

    @Test
    void theElementBuilderRefusesHandlersAndUnsafeUrlsGivenAsText() {
        Object result = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/console/shared/dom.js').then(d => {
                  const a = d.h('a', {href: 'javascript:alert(1)', onclick: 'alert(1)', style: 'x', title: '<b>'}, '<i>t</i>');
                  const b = d.link('data:text/html,x', 'label');
                  const c = d.h('a', {href: '#/conversations/1'}, 'in page');
                  done({a: a.outerHTML, b: b.nodeType, c: c.getAttribute('href')});
                });
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> made = (Map<String, Object>) result;
        assertThat(made.get("a")).isEqualTo("<a title=\"&lt;b&gt;\">&lt;i&gt;t&lt;/i&gt;</a>");
        assertThat(((Number) made.get("b")).intValue()).isEqualTo(3); // a text node, no link
        assertThat(made.get("c")).isEqualTo("#/conversations/1");
    }
}
