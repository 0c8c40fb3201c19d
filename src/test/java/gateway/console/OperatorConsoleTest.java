package gateway.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.ReceiverAndApp;
import gateway.testing.ScriptedReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console on the management port, in a real headless Chromium ({@link BrowserSession}) against the real app
 * (embedded SQS and S3, the agent emulator, a scripted receiver): signs in with the admin token, sees the overview's
 * charts drawn after a few questions, lists a dead letter and redrives it (it leaves the DLQ and is delivered), shows a
 * hostile dead-letter reason as inert text, pauses and resumes an endpoint. Every page is saved as
 * {@code target/console-screenshots/operator-*.png} and checked by axe-core (no serious or critical violation). An open
 * gateway (no {@code ADMIN_TOKEN}, the local profile) goes straight in, and shows a refused version of the callers file.
 */
class OperatorConsoleTest {

    static final String ADMIN_TOKEN = "operator-console-token-0123456789";
    /** Generous: the machine may be busy. */
    static final Duration CHARTS = Duration.ofSeconds(90);

    static ReceiverAndApp flow;
    static ScriptedReceiver receiver;
    static GatewayTestApp app;

    @BeforeAll
    static void start() throws Exception {
        BrowserSession.assumeAvailable();
        // a point every 2 s instead of every minute, so the questions are charted within seconds
        flow = ReceiverAndApp.start(Map.of("gateway.admin.token", ADMIN_TOKEN, "gateway.metrics.overview-step-seconds", "2"));
        receiver = flow.receiver();
        app = flow.app();
    }

    @AfterAll
    static void stop() {
        if (flow != null) {
            flow.close();
        }
    }

    @Test
    void operatorSignsInSeesTheChartsRedrivesADeadLetterAndPausesAnEndpoint() throws Exception {
        for (int i = 0; i < 3; i++) {
            post("Overview question " + i);
        }
        receiver.awaitDeliveries(3, Duration.ofSeconds(60));
        // a dead letter: the receiver refuses one delivery for good (422), then accepts again
        receiver.respondWith(422);
        String deadTracking = post("Refused once, then redriven from the console");
        await().atMost(Duration.ofSeconds(60)).until(() -> app.depth(app.dlq("deliveries")) == 1);
        // and one whose failure text is hostile: it must show as text
        String hostileTracking = hostileDeadLetter();

        try (BrowserSession browser = BrowserSession.start()) {
            // sign in
            browser.open(app.managementUrl("/console/"));
            WebElement token = browser.await(By.id("admin-token"));
            assertThat(token.getAttribute("type")).isEqualTo("password");
            browser.screenshot("operator-sign-in");
            browser.assertAccessible("operator sign-in");
            token.sendKeys("not-the-token");
            browser.driver().findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            browser.awaitText(By.id("sign-in-error"), "refused");
            assertThat(browser.sessionStorage("gateway.operator.token")).isNull();
            token.clear();
            token.sendKeys(ADMIN_TOKEN);
            browser.driver().findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();

            // overview: the questions drawn (points are per minute: refreshed until the minute holding them is there)
            browser.await(By.id("overview-scope"));
            assertThat(browser.sessionStorage("gateway.operator.token")).isEqualTo(ADMIN_TOKEN);
            assertThat(browser.driver().findElement(By.id("overview-scope")).getText()).contains("this instance")
                    .contains("k8s/monitoring/");
            new WebDriverWait(browser.driver(), CHARTS, Duration.ofSeconds(3)).until(d -> {
                if (questionsCharted(browser) >= 3) {
                    return true;
                }
                browser.script("document.getElementById('overview-refresh').click();");
                return false;
            });
            for (String chart : List.of("flow", "in-flight", "latency", "queues", "dlq", "delivery")) {
                WebElement figure = browser.driver().findElement(By.cssSelector("figure[data-chart='" + chart + "']"));
                WebElement svg = figure.findElement(By.cssSelector("svg[role=img]"));
                assertThat(svg.findElement(By.tagName("desc")).getAttribute("textContent")).as(chart).isNotBlank();
                assertThat(figure.findElements(By.cssSelector("details table"))).as(chart).hasSize(1);
            }
            assertThat(browser.all(By.cssSelector("figure[data-chart='flow'] g[data-series='Questions'] path"))).hasSize(1);
            assertThat(browser.all(By.cssSelector("figure[data-chart='delivery'] g.op-bar[data-caller]"))).isNotEmpty();
            browser.screenshot("operator-overview");
            browser.assertAccessible("operator overview");

            // dead letters: the refused delivery listed, chosen, redriven after the confirm step
            browser.driver().findElement(By.cssSelector("a[data-route='dead-letters']")).click();
            By deadRow = By.cssSelector("section[data-queue='deliveries'] tr[data-tracking-id='" + deadTracking + "']");
            WebElement row = browser.await(deadRow);
            assertThat(row.getText()).contains("the receiver answered HTTP 422").contains("webhook-deliver");
            assertThat(row.findElement(By.cssSelector("td.op-carries")).getText()).as("what the dead letter carries")
                    .contains("query.answered").contains("Refused once, then redriven from the console");
            By hostileRow = By.cssSelector("section[data-queue='requests'] tr[data-tracking-id='" + hostileTracking + "']");
            WebElement hostile = browser.await(hostileRow);
            assertThat(hostile.getText()).contains("<img src=x onerror=alert(1)>");
            assertThat(browser.all(By.cssSelector("#view img, #view a[href^='javascript']"))).isEmpty();
            assertThat(browser.alertRaised()).isFalse();
            browser.screenshot("operator-dead-letters");
            browser.assertAccessible("operator dead letters");

            // by keyboard: "Redrive all" asks first, focus on its confirm; Escape cancels, nothing moves, focus comes back
            browser.driver().findElement(By.id("dlq-requests-redrive-all")).sendKeys(Keys.ENTER);
            browser.awaitText(By.id("dlq-requests-confirm-text"), "every dead letter");
            assertThat(activeId(browser)).isEqualTo("dlq-requests-confirm-yes");
            browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
            browser.awaitText(By.id("dlq-requests-result"), "Redrive cancelled");
            assertThat(activeId(browser)).isEqualTo("dlq-requests-redrive-all");
            assertThat(browser.all(hostileRow)).hasSize(1);

            row.findElement(By.cssSelector("input[type=checkbox]")).sendKeys(Keys.SPACE);
            browser.driver().findElement(By.id("dlq-deliveries-redrive-chosen")).click();
            browser.awaitText(By.id("dlq-deliveries-confirm-text"), "1 chosen dead letter(s)");
            assertThat(app.depth(app.dlq("deliveries"))).as("nothing moves before the confirm").isEqualTo(1);
            browser.screenshot("operator-dead-letters-confirm");
            browser.assertAccessible("operator dead letters, confirm step");
            browser.driver().findElement(By.id("dlq-deliveries-confirm-yes")).click();
            browser.awaitText(By.id("dlq-deliveries-result"), "Redriven from deliveries: 1 dead letter(s)");
            List<ScriptedReceiver.Delivery> got = receiver.awaitDeliveries(5, Duration.ofSeconds(60));
            assertThat(got).extracting(ScriptedReceiver.Delivery::trackingId).filteredOn(deadTracking::equals).hasSize(2);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.depth(app.dlq("deliveries")) == 0);
            new WebDriverWait(browser.driver(), BrowserSession.WAIT).until(d -> d.findElements(deadRow).isEmpty());
            assertThat(browser.all(hostileRow)).as("only the chosen one moved").hasSize(1);
            browser.screenshot("operator-dead-letters-redriven");

            // callers and endpoints: pause, then resume, WEBHOOK_URL's endpoint
            browser.driver().findElement(By.cssSelector("a[data-route='endpoints']")).click();
            By endpoint = By.cssSelector("tr[data-endpoint='default/default']");
            browser.await(endpoint);
            browser.await(By.id("callers-refusal"));
            assertThat(browser.driver().findElement(By.id("callers-refusal")).getText()).contains("No refusal");
            browser.screenshot("operator-endpoints");
            browser.assertAccessible("operator callers and endpoints");
            browser.driver().findElement(endpoint).findElement(By.cssSelector("button[data-action=pause]")).click();
            browser.awaitText(By.id("endpoints-result"), "Paused default/default");
            browser.awaitScript("const r = document.querySelector(\"tr[data-endpoint='default/default']\");"
                    + " return r !== null && r.dataset.state === 'paused' && r.classList.contains('op-paused');");
            assertThat(endpointState()).isEqualTo("paused");
            browser.screenshot("operator-endpoints-paused");
            browser.assertAccessible("operator callers and endpoints, one paused");
            browser.driver().findElement(endpoint).findElement(By.cssSelector("button[data-action=resume]")).click();
            browser.awaitText(By.id("endpoints-result"), "Resumed default/default");
            browser.awaitScript("const r = document.querySelector(\"tr[data-endpoint='default/default']\");"
                    + " return r !== null && r.dataset.state !== 'paused';");
            assertThat(endpointState()).isIn("healthy", "resuming");

            assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
            assertThat(browser.alertRaised()).isFalse();
        } finally {
            app.drain(app.dlq("requests"));
        }
    }

    @Test
    void everyOperatorFileIsServedWithTheConsoleHeadersAndPutsNoMarkupFromText() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Path folder = Path.of("src/main/resources/console/operator");
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.sorted().toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("index.html", "app.js", "operator.css");
        for (Path file : files) {
            String name = file.getFileName().toString();
            var answer = http.send(java.net.http.HttpRequest.newBuilder(app.managementUrl(
                    "/console/" + (name.equals("index.html") ? "" : name))).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(name).isEqualTo(200);
            ConsolePages.HEADERS.forEach((header, value) ->
                    assertThat(answer.headers().firstValue(header)).as(header + " of " + name).hasValue(value));
            assertThat(answer.body()).as(name).isEqualTo(Files.readString(file));
            // text from the gateway only ever goes in as text: no HTML parsing sink, no inline style or script
            assertThat(answer.body()).as(name).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(", "new Function", " style=\"");
        }
        // nothing of the operator console on the business port
        var business = http.send(java.net.http.HttpRequest.newBuilder(app.url("/console/deadletters.js")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(business.statusCode()).isEqualTo(404);
    }

    @Test
    void anOpenGatewayGoesStraightInAndShowsTheCallersFileRefused() throws Exception {
        Path dir = Files.createTempDirectory("operator-console");
        Path file = dir.resolve("callers.yaml");
        Files.writeString(file, callersFile("console-key-0000000000000000"));
        try (GatewayTestApp open = GatewayTestApp.start(Map.of("gateway.admin.token", "",
                "gateway.admin.open-without-token", "true", "gateway.callers.file", file.toString(),
                "gateway.callers.reload-seconds", "1"));
                BrowserSession browser = BrowserSession.start()) {
            browser.open(open.managementUrl("/console/#/endpoints"));
            browser.awaitText(By.id("session-state"), "Open gateway");
            browser.await(By.cssSelector("tr[data-endpoint^='crm/']"));
            browser.await(By.cssSelector("#callers-table tr[data-caller='crm']"));
            assertThat(browser.driver().findElement(By.id("callers-refusal")).getText()).contains("No refusal");
            assertThat(browser.driver().findElement(By.id("sign-in")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("sign-out")).isDisplayed()).isFalse();
            browser.screenshot("operator-open-gateway");
            browser.assertAccessible("operator console, open gateway");

            // a broken version of the file (a key too short): refused, shown with its reason, the old one in force
            Files.writeString(file, callersFile("tiny-key-7"));
            new WebDriverWait(browser.driver(), BrowserSession.WAIT, Duration.ofSeconds(2)).until(d -> {
                if (d.findElement(By.id("callers-refusal")).getText().contains("was refused")) {
                    return true;
                }
                browser.script("document.getElementById('endpoints-reload').click();");
                return false;
            });
            assertThat(browser.driver().findElement(By.id("callers-refusal")).getText())
                    .contains("The latest version of the callers file was refused").contains("stays in force")
                    .doesNotContain("tiny-key-7");
            assertThat(browser.all(By.cssSelector("#callers-table tr[data-caller='crm']"))).hasSize(1);
            browser.screenshot("operator-callers-file-refused");
            browser.assertAccessible("operator callers, file refused");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** A callers file with one caller, crm, its API key this one, one webhook. */
    static String callersFile(String key) {
        return """
                callers:
                  - name: crm
                    api_keys: ["%s"]
                    signing_secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
                    webhooks:
                      - url: http://127.0.0.1:1/hooks
                """.formatted(key);
    }

    static String activeId(BrowserSession browser) {
        return browser.driver().switchTo().activeElement().getAttribute("id");
    }

    /** The questions the overview's flow chart holds (the sum of its table's Questions column). */
    static long questionsCharted(BrowserSession browser) {
        Object sum = browser.script("const rows = document.querySelectorAll(\"figure[data-chart='flow'] tbody tr\");"
                + " let n = 0; rows.forEach(r => { const v = Number(r.cells[1].textContent); if (!Number.isNaN(v)) n += v; });"
                + " return n;");
        return sum instanceof Number number ? number.longValue() : 0;
    }

    /** A dead letter on the requests DLQ as the gateway writes them, its failure text hostile HTML. */
    static String hostileDeadLetter() {
        String dlq = app.dlq("requests");
        String tracking = "0b7c2d1e-hostile-0000-0000-000000000001";
        app.sqs().sendMessage(r -> {
            r.queueUrl(app.queueUrl(dlq)).messageBody("{\"query\":\"<script>alert(1)</script>\"}")
                    .messageAttributes(Map.of(
                            "tracking_id", text(tracking),
                            "failure_reason", text("ValidationException: <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>"),
                            "failed_stage", text("agent-invoke"),
                            "attempts", text("1"),
                            "failed_at", text("2025-08-14T09:20:00.412000+00:00")));
            if (dlq.endsWith(".fifo")) {
                r.messageGroupId("hostile").messageDeduplicationId(tracking);
            }
        });
        return tracking;
    }

    static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    static String endpointState() throws Exception {
        var answer = app.send(java.net.http.HttpRequest.newBuilder(app.managementUrl("/admin/endpoints"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());
        for (JsonNode e : Json.MAPPER.readTree(answer.body()).get("endpoints")) {
            if (e.get("caller").asText().equals("default") && e.get("name").asText().equals("default")) {
                return e.get("state").asText();
            }
        }
        throw new AssertionError("no default endpoint in " + answer.body());
    }

    static String post(String query) throws Exception {
        String body = Json.write(Json.object().put("query", query).put("timestamp", "2025-08-13T06:30:00Z")
                .put("source_system", "crm").put("source_process", "operator_console"));
        var response = app.postJson("/webhook", body);
        assertThat(response.statusCode()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
    }
}
