package gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import gateway.chat.ChatDelivery;
import gateway.chat.ChatMarkdown;
import gateway.chat.SlackMessage;
import gateway.chat.TeamsCard;
import gateway.console.BrowserSession;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The local receiver's page in a real browser, with a Slack message and a Teams card of the real renderers on it: each
 * reads as in the chat tool (the question, the answer's bold, link, list and code), hostile text stays text (no script
 * runs, no element of the message's own, no link but http(s)), the raw body opens from its summary, and axe-core finds
 * nothing serious. The screenshot goes to {@code target/console-screenshots/receiver-chat.png}.
 */
class ReceiverPageBrowserTest {

    static final ChatDelivery HOSTILE = new ChatDelivery(
            "<!channel> which deals & <script>alert('x')</script>?", """
            # Deals

            Three deals, **$1.2M** in total. See [the pipeline](https://crm.example/p) and [this](javascript:alert(1)).

            - Acme <img src=x onerror=alert(1)>
            - Globex

            ```
            if (a < b) go();
            ```
            """, "trk-77", "crm", "weekly", ChatDelivery.Status.ANSWERED, null);

    static Vertx vertx;
    static LocalReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.assumeAvailable();
        vertx = Vertx.vertx();
        receiver = new LocalReceiver(vertx, 0, null, 10).start();
        ObjectMapper mapper = new ObjectMapper();
        ChatMarkdown markdown = new ChatMarkdown();
        post("/slack/T000/B000/sample", new SlackMessage(mapper, markdown).render(HOSTILE));
        post("/teams/workflows/sample", new TeamsCard(mapper, markdown).render(HOSTILE));
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    static void post(String path, String body) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(receiver.url().replaceAll("/$", "") + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode() / 100).as(path).isEqualTo(2);
    }

    @Test
    void slackAndTeamsMessagesReadAsInTheChatToolAndHostileTextStaysText() throws Exception {
        try (BrowserSession browser = BrowserSession.start()) {
            browser.open(URI.create(receiver.url()));
            browser.awaitText(By.tagName("body"), "Teams message");
            List<WebElement> sections = browser.all(By.tagName("section"));
            assertThat(sections).hasSize(2);
            for (WebElement section : sections) {
                String text = section.getText();
                // the question as typed, mentions and tags as text
                assertThat(text).contains("<!channel> which deals & <script>alert('x')</script>?", "Three deals, $1.2M in total.",
                        "if (a < b) go();", "Globex", "trk-77");
                // bold is bold, the http(s) link is a link, the javascript: one is not
                assertThat(section.findElements(By.xpath(".//b[normalize-space()='$1.2M']"))).isNotEmpty();
                assertThat(section.findElements(By.cssSelector("a[href='https://crm.example/p']"))).isNotEmpty();
            }
            assertThat(browser.all(By.tagName("a"))).allSatisfy(a -> assertThat(a.getDomProperty("href")).matches("https?://.*"));
            assertThat(browser.all(By.tagName("script"))).as("no script on the page, none from a message").isEmpty();
            assertThat(browser.all(By.tagName("img"))).isEmpty();
            assertThat(browser.alertRaised()).isFalse();

            // the raw body opens from its summary
            WebElement details = sections.get(0).findElement(By.tagName("details"));
            assertThat(details.getAttribute("open")).isNull();
            details.findElement(By.tagName("summary")).click();
            browser.awaitScript("return arguments[0].open === true;", details);
            assertThat(details.findElement(By.tagName("pre")).getText()).contains("\"type\"");

            browser.assertAccessible("the local receiver's page");
            browser.screenshot("receiver-chat");
        }
    }
}
