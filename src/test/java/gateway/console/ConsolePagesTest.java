package gateway.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consoles' static files on both ports of the real app: the page, its shared files, the strict headers on every
 * answer (404 and redirect included), no listing, no way out of the console's folders.
 */
class ConsolePagesTest {

    static GatewayTestApp app;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        app = GatewayTestApp.start();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void secured(HttpResponse<String> response) {
        ConsolePages.HEADERS.forEach((name, value) ->
                assertThat(response.headers().firstValue(name)).as(name + " of " + response.uri()).hasValue(value));
    }

    @Test
    void theCallerConsoleIsServedFromTheJarWithItsHeaders() throws Exception {
        HttpResponse<String> page = get(app.url("/console/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\"></script>").doesNotContain("style=");
        secured(page);

        HttpResponse<String> api = get(app.url("/console/shared/api.js"));
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        secured(api);
        HttpResponse<String> css = get(app.url("/console/shared/console.css"));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        secured(css);
    }

    @Test
    void theBarePathRedirectsToThePage() throws Exception {
        HttpResponse<String> bare = get(app.url("/console"));
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/console/");
        secured(bare);
    }

    @Test
    void unknownFilesFoldersAndWaysOutAre404WithTheHeaders() throws Exception {
        for (String path : new String[] {"/console/nothing.js", "/console/shared/",
                "/console/shared/nothing.css", "/console/shared/..%2f..%2fapplication.properties", "/console/.hidden",
                "/console/log4j2.xml"}) {
            HttpResponse<String> response = get(URI.create(app.url("").toString() + path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("callers").doesNotContain("camel.");
            secured(response);
        }
        // a way out is normalised away before any route sees it: no file of the jar is reachable from the console
        for (String path : new String[] {"/console/%2e%2e/application.properties", "/console/../application.properties",
                "/console/shared/%2e%2e/%2e%2e/log4j2.xml"}) {
            HttpResponse<String> response = get(URI.create(app.url("").toString() + path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("camel.").doesNotContain("Configuration");
        }
        // a folder without its slash is sent to the folder, which has no page and no listing
        HttpResponse<String> folder = get(app.url("/console/shared"));
        assertThat(folder.statusCode()).isNotEqualTo(200);
        secured(folder);
    }

    @Test
    void theManagementPortServesTheSharedFilesToo() throws Exception {
        HttpResponse<String> dom = get(app.managementUrl("/console/shared/dom.js"));
        assertThat(dom.statusCode()).isEqualTo(200);
        secured(dom);
        HttpResponse<String> bare = get(app.managementUrl("/console"));
        assertThat(bare.statusCode()).isEqualTo(301);
        HttpResponse<String> unknown = get(app.managementUrl("/console/nothing.js"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        secured(unknown);
    }
}
