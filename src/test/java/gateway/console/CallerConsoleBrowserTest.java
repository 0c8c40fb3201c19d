package gateway.console;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.local.LocalReceiver;
import gateway.testing.GatewayTestApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The caller console in headless Chromium against the real app (a callers file with caller acme, its endpoint crm and its
 * endpoint alerts that takes query.failed only, a real receiver, the agent emulator): sign in with the key, the
 * conversations, one conversation while its agent works (its steps arrive live), an answer with hostile HTML and a
 * javascript: link rendered inert, resend, cancel, the endpoints (each one's last deliveries, or none; pause, resume, a
 * test event), a follow-up, sign out. Every page's screenshot goes to target/console-screenshots/, every page passes
 * axe-core (no serious or critical violation), and the first list's draw time is printed. The tests run in order on one browser and one app.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallerConsoleBrowserTest {

    static final String KEY = "console-key-0001-aaaaaaaaaaaa";
    static final String SECRET = "whsec_" + "c".repeat(32);
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static ScriptedReceiver receiver;
    static Path callers;
    static GatewayTestApp app;
    static BrowserSession browser;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String answeredId;
    static String hostileId;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.assumeAvailable();
        receiver = ScriptedReceiver.startOnRandomPort(null);
        receiver.respondByDefault(LocalReceiver.Response.status(200));
        callers = Files.createTempFile("callers", ".yaml");
        Files.writeString(callers, """
                callers:
                  - name: acme
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: crm
                        url: %scrm
                      - name: alerts
                        url: %salerts
                        events: [query.failed]
                """.formatted(KEY, SECRET, receiver.url(), receiver.url()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", callers.toString(), "gateway.cancel.poll-ms", "200",
                "gateway.endpoints.check-seconds", "1", "gateway.endpoints.health-cache-seconds", "1"));
        browser = BrowserSession.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
            if (receiver != null) {
                receiver.close();
            }
            if (callers != null) {
                Files.deleteIfExists(callers);
            }
        }
    }

    static String ask(String query) throws Exception {
        ObjectNode body = Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "console_test");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(app.url("/webhook"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).path("tracking_id").asText();
    }

    static JsonNode status(String id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(app.url("/webhook/" + id))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : Json.object();
    }

    static void awaitDelivered(String id) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> "delivered".equals(status(id).path("status").asText()));
    }

    /** Opens a conversation and waits for its page (not the page before it: a hash change keeps the document). */
    static void openConversation(String id) {
        browser.open(app.url("/console/#/conversations/" + id));
        browser.awaitText(By.cssSelector("dl.facts"), id);
    }

    /** Screenshot and axe-core on the page as it is now. */
    static void review(String name) throws Exception {
        browser.screenshot(name);
        browser.assertAccessible(name);
    }

    static void noCspViolation() {
        List<String> messages = browser.consoleMessages();
        assertThat(messages).as("browser console").noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    @Order(1)
    void signsInWithTheKeyAndListsTheQuestionsNewestFirst() throws Exception {
        answeredId = ask("What is in the pipeline this quarter?");
        hostileId = ask("Render this: <img src=x onerror=alert(1)> and [x](javascript:alert(1)) please");
        awaitDelivered(answeredId);
        awaitDelivered(hostileId);

        browser.open(app.url("/console"));
        WebElement key = browser.await(By.id("api-key"));
        assertThat(key.getAttribute("type")).isEqualTo("password");
        assertThat(browser.driver().findElement(By.cssSelector("label[for='api-key']")).getText()).isEqualTo("API key");
        review("sign-in");

        key.sendKeys("wrong-key-000000000000");
        browser.driver().findElement(By.cssSelector("#sign-in button[type='submit']")).click();
        browser.awaitText(By.id("sign-in-status"), "not accepted");
        assertThat(browser.sessionStorage("gateway.caller.key")).isNull();

        key = browser.driver().findElement(By.id("api-key"));
        key.clear();
        key.sendKeys(KEY);
        key.submit();
        browser.await(By.cssSelector("#conversation-rows tr"));
        assertThat(browser.sessionStorage("gateway.caller.key")).isEqualTo(KEY);
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(KEY);
        List<WebElement> links = browser.all(By.cssSelector("#conversation-rows a"));
        // newest first
        assertThat(links.get(0).getAttribute("href")).endsWith("#/conversations/" + hostileId);
        assertThat(links.get(1).getAttribute("href")).endsWith("#/conversations/" + answeredId);
        review("conversations");

        // the first page's draw, on a fresh load with the key in this tab: navigation start to the first list drawn
        browser.driver().navigate().refresh();
        browser.await(By.cssSelector("#conversation-rows tr"));
        browser.awaitScript("return performance.getEntriesByName('console:first-list').length > 0;");
        Number firstList = (Number) browser.script("return performance.getEntriesByName('console:first-list')[0].startTime;");
        Number loaded = (Number) browser.script(
                "const n = performance.getEntriesByType('navigation')[0]; return n ? n.domContentLoadedEventEnd : -1;");
        System.out.printf("console first draw: DOMContentLoaded at %.0f ms, first conversation list drawn at %.0f ms after "
                + "navigation start%n", loaded.doubleValue(), firstList.doubleValue());

        // a filter: the question text
        WebElement search = browser.driver().findElement(By.id("q"));
        search.sendKeys("pipeline");
        browser.driver().findElement(By.cssSelector("#filters button[type='submit']")).click();
        browser.awaitScript("return document.querySelectorAll('#conversation-rows tr').length === 1"
                + " && location.hash.includes('q=pipeline');");
        assertThat(browser.all(By.cssSelector("#conversation-rows a")).get(0).getAttribute("href"))
                .endsWith("#/conversations/" + answeredId);

        // by keyboard: Enter on a row's link opens the conversation, and the focus goes to its heading
        browser.all(By.cssSelector("#conversation-rows a")).get(0).sendKeys(Keys.ENTER);
        browser.awaitText(By.cssSelector("dl.facts"), answeredId);
        browser.awaitScript("return document.activeElement && document.activeElement.id === 'page-title';");
        noCspViolation();
    }

    @Test
    @Order(2)
    void showsTheAgentsStepsAsTheyArriveThenTheAnswerAndItsDelivery() throws Exception {
        String id = ask("[emulator:steps=5,over=8s] Watch the steps arrive");
        openConversation(id);
        // a step shows while the agent is still working: the answer is not there yet
        browser.await(By.cssSelector("#timeline li.step"));
        boolean answeredAlready = !browser.all(By.cssSelector("#timeline li.final")).isEmpty();
        int stepsSeenFirst = browser.all(By.cssSelector("#timeline li.step")).size();
        assertThat(answeredAlready).as("the first step showed before the question ended").isFalse();
        review("conversation-live");
        browser.awaitScript("return document.querySelectorAll('#timeline li.step').length === 5;");
        browser.await(By.cssSelector("#timeline li.final"));
        browser.await(By.cssSelector("#answer h3"));
        assertThat(browser.driver().findElement(By.id("answer")).getText()).contains("Pipeline answer");
        browser.await(By.cssSelector("#deliveries tbody tr"));
        System.out.println("steps shown when the first arrived: " + stepsSeenFirst + " of 5");
        assertThat(browser.driver().findElement(By.id("cancel")).isDisplayed()).isFalse();
        // the tables of the answer (GFM) and of the deliveries' attempts
        assertThat(browser.all(By.cssSelector("#answer table th"))).isNotEmpty();
        browser.awaitText(By.id("deliveries"), "200");
        browser.awaitScript("return document.querySelector('#thread table') !== null"
                + " || document.getElementById('thread').textContent.includes('only question');");
        review("conversation");
        noCspViolation();
    }

    @Test
    @Order(3)
    void anAnswerWithHostileHtmlAndAJavascriptLinkRendersInert() throws Exception {
        openConversation(hostileId);
        WebElement answer = browser.await(By.id("answer"));
        assertThat(answer.getText()).contains("<img src=x onerror=alert(1)>");
        assertThat(browser.all(By.cssSelector("#main img"))).isEmpty();
        assertThat(browser.all(By.cssSelector("a[href^='javascript'], a[href^='JavaScript'], [onerror]"))).isEmpty();
        // read at once (the page may draw the status again meanwhile)
        @SuppressWarnings("unchecked")
        List<List<String>> links = (List<List<String>>) browser.script(
                "return [...document.querySelectorAll('#answer a')].map(a => [a.getAttribute('href'), a.getAttribute('rel')]);");
        assertThat(links).isNotEmpty().allSatisfy(link -> {
            assertThat(link.get(0)).startsWith("https://");
            assertThat(link.get(1)).isEqualTo("noopener noreferrer");
        });
        assertThat(browser.driver().findElement(By.id("question")).getText()).contains("<img src=x onerror=alert(1)>");
        assertThat(browser.alertRaised()).as("an alert was raised").isFalse();
        review("conversation-hostile-answer");
        noCspViolation();
    }

    @Test
    @Order(4)
    void resendsTheResult() throws Exception {
        openConversation(answeredId);
        browser.await(By.cssSelector("#deliveries tbody tr"));
        long before = receiver.deliveries().stream().filter(d -> answeredId.equals(d.trackingId())).count();
        browser.await(By.id("resend")).click();
        browser.awaitText(By.id("action-status"), "Resent");
        await().atMost(DEADLINE).until(() ->
                receiver.deliveries().stream().filter(d -> answeredId.equals(d.trackingId())).count() > before);
        review("conversation-resent");
    }

    @Test
    @Order(5)
    void cancelsAnOpenQuestion() throws Exception {
        String id = ask("[emulator:latency=20000] Take your time");
        openConversation(id);
        WebElement cancel = browser.await(By.id("cancel"));
        assertThat(browser.driver().findElement(By.id("resend")).isDisplayed()).isFalse();
        cancel.click();
        browser.awaitText(By.id("action-status"), "Cancelled");
        browser.awaitText(By.id("timeline"), "Cancelled");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> "cancelled".equals(status(id).path("outcome").asText()));
        review("conversation-cancelled");
    }

    @Test
    @Order(6)
    void pausesAndResumesAnEndpointAndSendsItATestEvent() throws Exception {
        browser.open(app.url("/console/#/endpoints"));
        browser.await(By.id("endpoint-crm"));
        // each endpoint's last deliveries (GET /webhook?endpoint=<name>&limit=5): crm has the answered questions, newest
        // first, each linking to its conversation with its delivery's status and HTTP status; alerts has none yet
        browser.await(By.cssSelector("#last-deliveries-crm tbody tr"));
        @SuppressWarnings("unchecked")
        List<String> lastLinks = (List<String>) browser.script("return [...document.querySelectorAll("
                + "'#last-deliveries-crm tbody a')].map(a => a.getAttribute('href'));");
        assertThat(lastLinks).hasSizeBetween(2, 5).contains("#/conversations/" + answeredId, "#/conversations/" + hostileId);
        assertThat(lastLinks.indexOf("#/conversations/" + hostileId)).isLessThan(lastLinks.indexOf("#/conversations/" + answeredId));
        String lastText = browser.driver().findElement(By.id("last-deliveries-crm")).getText();
        assertThat(lastText).contains("delivered").contains("200");
        browser.awaitText(By.id("last-deliveries-alerts"), "No delivery to this endpoint yet");
        assertThat(browser.all(By.cssSelector("#last-deliveries-alerts tr"))).isEmpty();
        review("endpoints");
        browser.await(By.id("pause-crm")).click();
        browser.await(By.id("resume-crm"));
        browser.awaitText(By.id("endpoint-crm"), "paused");
        review("endpoints-paused");
        browser.driver().findElement(By.id("resume-crm")).click();
        browser.await(By.id("pause-crm"));
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> {
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(app.url("/endpoints"))
                    .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode endpoint : Json.MAPPER.readTree(list.body()).path("endpoints")) {
                if (endpoint.path("name").asText().equals("crm")) {
                    return endpoint.path("state").asText().equals("healthy");
                }
            }
            return false;
        });
        browser.await(By.id("test-crm")).click();
        browser.awaitText(By.id("endpoint-status-crm"), "Test event delivered");
        review("endpoints-test-event");
        noCspViolation();
    }

    @Test
    @Order(7)
    void asksAFollowUpInTheSameSessionThenSignsOut() throws Exception {
        openConversation(answeredId);
        String session = status(answeredId).path("session_id").asText();
        browser.await(By.id("follow-up")).sendKeys("And next quarter?");
        browser.driver().findElement(By.cssSelector("#follow-up-form button[type='submit']")).click();
        browser.awaitScript("return location.hash.startsWith('#/conversations/') && !location.hash.endsWith(arguments[0]);",
                answeredId);
        String followUp = browser.driver().getCurrentUrl().replaceAll(".*#/conversations/", "");
        // its record is written just after the 202: a lookup in its first moments may answer 404
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(status(followUp).path("session_id").asText()).isEqualTo(session));
        browser.awaitText(By.id("thread"), "And next quarter?");
        browser.await(By.cssSelector("#thread a[aria-current='page']"));

        browser.await(By.id("sign-out")).click();
        browser.await(By.id("api-key"));
        assertThat(browser.sessionStorage("gateway.caller.key")).isNull();
    }
}
