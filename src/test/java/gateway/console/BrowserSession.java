package gateway.console;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium for the console's browser tests: Debian's {@code chromium} driven through its
 * {@code chromium-driver}, both named here so that Selenium Manager never looks for (or downloads) a browser. Opens pages,
 * sets sessionStorage, waits for elements, saves screenshots under {@code target/console-screenshots/} and runs axe-core
 * ({@code src/test/browser/node_modules/axe-core}, installed by {@code npm ci} in the build) on the page.
 *
 * <pre>
 * BrowserSession.assumeAvailable();                 // the test skips, with one line, where chromium or axe is missing
 * try (BrowserSession browser = BrowserSession.start()) {
 *     browser.open(app.url("/console/")).sessionStorage("gateway.caller.key", key).open(app.url("/console/"));
 *     browser.await(By.id("conversations"));
 *     browser.screenshot("conversations");
 *     browser.assertAccessible("conversations");    // no serious or critical axe violation
 * }
 * </pre>
 */
public final class BrowserSession implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path AXE = Path.of("src/test/browser/node_modules/axe-core/axe.min.js");
    public static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    /** Generous: the machine that runs the tests may be busy with other builds. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final String axe;

    private BrowserSession(ChromeDriver driver, String axe) {
        this.driver = driver;
        this.axe = axe;
    }

    /** The browser, its driver and axe-core are on this machine; else the test is skipped, saying what is missing. */
    public static void assumeAvailable() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "browser test skipped: " + CHROMIUM + " or " + DRIVER + " missing (apt-get install chromium chromium-driver)");
        assumeTrue(Files.isRegularFile(AXE), "browser test skipped: " + AXE + " missing (npm ci in src/test/browser)");
    }

    public static BrowserSession start() throws IOException {
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US");
        // an alert the page should never raise stays open for the test to find (switchTo().alert())
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withLogFile(null).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT).pageLoadTimeout(WAIT);
        return new BrowserSession(driver, Files.readString(AXE, StandardCharsets.UTF_8));
    }

    public WebDriver driver() {
        return driver;
    }

    public BrowserSession open(URI url) {
        driver.get(url.toString());
        return this;
    }

    /** Sets a sessionStorage entry of the page's origin (open a page of that origin first). */
    public BrowserSession sessionStorage(String key, String value) {
        script("window.sessionStorage.setItem(arguments[0], arguments[1]);", key, value);
        return this;
    }

    public String sessionStorage(String key) {
        return (String) script("return window.sessionStorage.getItem(arguments[0]);", key);
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The element once it is visible ({@link #WAIT} at most). */
    public WebElement await(By by) {
        return await(by, WAIT);
    }

    public WebElement await(By by, Duration within) {
        return new WebDriverWait(driver, within).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until an element holds this text (its own or its children's). */
    public WebElement awaitText(By by, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    /** Waits until the condition, run as a script returning a boolean, is true. */
    public void awaitScript(String condition, Object... arguments) {
        new WebDriverWait(driver, WAIT).until(d -> Boolean.TRUE.equals(script(condition, arguments)));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    /** True when the page raised an alert (dismissed here). */
    public boolean alertRaised() {
        try {
            driver.switchTo().alert().dismiss();
            return true;
        } catch (NoAlertPresentException none) {
            return false;
        }
    }

    /**
     * The whole page as a PNG in {@code target/console-screenshots/<name>.png}: the window grows to the page's height for
     * the shot (at most 4000 px), then comes back.
     */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Dimension before = driver.manage().window().getSize();
        Number height = (Number) script("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);");
        int wanted = Math.min(4000, Math.max(before.getHeight(), height.intValue() + (before.getHeight()
                - ((Number) script("return window.innerHeight;")).intValue())));
        try {
            if (wanted != before.getHeight()) {
                driver.manage().window().setSize(new Dimension(before.getWidth(), wanted));
            }
            Path file = SCREENSHOTS.resolve(name + ".png");
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(shot);
            return file;
        } finally {
            if (wanted != before.getHeight()) {
                driver.manage().window().setSize(before);
            }
        }
    }

    /** axe-core's violations on the page as it is now (every impact), as axe reports them. */
    public JsonNode axeViolations() throws IOException {
        if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object';"))) {
            script(axe);
        }
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify({error: String(e)})));");
        JsonNode violations = Json.MAPPER.readTree((String) result);
        if (violations.has("error")) {
            throw new AssertionError("axe-core failed on the page: " + violations.get("error").asText());
        }
        return violations;
    }

    /** The serious and critical violations, one line each (rule, impact, help, the first few elements). */
    public List<String> seriousViolations() throws IOException {
        List<String> found = new ArrayList<>();
        for (JsonNode violation : axeViolations()) {
            String impact = violation.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                List<String> targets = new ArrayList<>();
                for (JsonNode node : violation.path("nodes")) {
                    if (targets.size() < 3) {
                        targets.add(node.path("target").toString());
                    }
                }
                found.add(violation.path("id").asText() + " (" + impact + "): " + violation.path("help").asText()
                        + " at " + targets);
            }
        }
        return found;
    }

    /** Fails when axe-core finds a serious or critical violation on the page; prints how many of each impact it found. */
    public void assertAccessible(String page) throws IOException {
        JsonNode all = axeViolations();
        Map<String, Integer> byImpact = new java.util.TreeMap<>();
        all.forEach(v -> byImpact.merge(v.path("impact").asText(), 1, Integer::sum));
        System.out.println("axe-core on " + page + ": " + (byImpact.isEmpty() ? "no violation" : byImpact));
        List<String> serious = seriousViolations();
        if (!serious.isEmpty()) {
            throw new AssertionError("axe-core: serious or critical violations on " + page + ":\n  "
                    + String.join("\n  ", serious));
        }
    }

    /** The browser console's messages since the last call (errors, CSP violations included). */
    public List<String> consoleMessages() {
        List<String> messages = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            messages.add(entry.getLevel() + " " + entry.getMessage());
        }
        return messages;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
