package ops;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A gateway started as a child process ({@code java -jar}): waiting for it to be ready, and its log's tail. */
final class ChildReadiness {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ChildReadiness() {
    }

    /** Until its readiness check answers 200; fails with the log's tail if it exits first or is late. */
    static void awaitReady(Process child, int managementPort, Path log, Duration deadline) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready");
        for (long end = System.nanoTime() + deadline.toNanos(); System.nanoTime() < end; Thread.sleep(100)) {
            if (!child.isAlive()) {
                fail("exited with " + child.exitValue() + " before it was ready\n" + tail(log));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
        }
        fail("not ready within " + deadline + "\n" + tail(log));
    }

    /** The last 40 lines of the child's log. */
    static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
