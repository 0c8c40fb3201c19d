package gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;

/**
 * One measured launch of a start-up scenario.
 *
 * @param scenario        its scenario's name
 * @param round           1-based
 * @param readySeconds    launch (just before {@code ProcessBuilder.start}) to the first 200 of
 *                        {@code GET /observe/health/ready}
 * @param startedSeconds  launch to the timestamp of Camel's "... started in ..." log line (NaN if not found): what
 *                        of {@code readySeconds} is JVM and Camel start, the rest is waiting for the health checks
 * @param rss             {@code /proc/<pid>/status} read right after the first 200
 * @param stopped         SIGTERM to exit
 */
record StartupLaunch(String scenario, int round, double readySeconds, double startedSeconds, GatewayProcess.Rss rss,
                     GatewayProcess.Stopped stopped) {

    static final double MIB_PER_KB = 1.0 / 1024;

    double rssMib() {
        return rss.vmRssKb() * MIB_PER_KB;
    }

    double rssAnonMib() {
        return rss.rssAnonKb() * MIB_PER_KB;
    }

    double rssFileMib() {
        return rss.rssFileKb() * MIB_PER_KB;
    }

    /** Seconds from {@code launched} to the timestamp of Camel's first "started in" line in {@code log}, or NaN. */
    static double camelStartedSeconds(Path log, Instant launched) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            Optional<String> line = lines.filter(l -> l.contains(") started in ") && l.startsWith("{")).findFirst();
            if (line.isEmpty()) {
                return Double.NaN;
            }
            JsonNode event = Json.MAPPER.readTree(line.get());
            return Duration.between(launched, Instant.parse(event.path("timestamp").asText())).toMillis() / 1000.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
