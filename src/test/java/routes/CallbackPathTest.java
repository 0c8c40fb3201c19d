package routes;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.testing.GatewayTestApp;
import gateway.testing.RawRequestReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A URL is used exactly as it was checked: the request line a receiver gets carries the very path (and query) that
 * matched the caller's {@code callback_urls} pattern, byte for byte, or the callback URL is refused at the intake
 * (400, nothing queued). Read off the receiver's socket ({@link RawRequestReceiver}: no HTTP library between the wire
 * and the assertion), for the spellings an attacker would try to walk out of {@code /cb/}: double and triple
 * encoding, mixed case, overlong UTF-8, {@code %u} forms, dot segments with {@code ;}. The configured endpoints of
 * the callers file keep their exact URL too.
 */
class CallbackPathTest {

    static final String KEY = "path-key-0001-ffffffffffff";
    static RawRequestReceiver receiver;
    static GatewayTestApp app;
    static Path file;

    /**
     * The configured endpoint's path and query: encodings that a decoding step would change. An operator wrote it, so
     * it is not held to the callback rules; it must arrive exactly as written all the same.
     */
    static final String CONFIGURED = "/hooks/a%2Fb%20c;v=1/%252e%252e/%7Euser?x=1%2B2&y=%252e&z=a%26b";

    @BeforeAll
    static void start() throws Exception {
        receiver = RawRequestReceiver.start();
        file = Files.createTempFile("callers", ".yaml");
        Files.writeString(file, """
                callers:
                  - name: paths
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - name: configured
                        url: "%s%s"
                        events: [query.answered]
                    callback_urls: ["%s/cb/*"]
                """.formatted(KEY, CallersDeliveryTest.secret(9), receiver.base(), CONFIGURED, receiver.base()));
        app = GatewayTestApp.start(Map.of("gateway.callers.file", file.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        Files.deleteIfExists(file);
    }

    /** Spellings a receiver must get exactly as they are. */
    static Stream<String> plainSpellings() {
        return Stream.of("/cb/plain", "/cb/a%20b", "/cb/caf%C3%A9", "/cb/x?token=abc%2Fdef&next=%2e%2e", "/cb/%7Euser/a-b_c",
                "/cb/q?x=%252e%252e%2f&y=a%26b");
    }

    /** Spellings that leave {@code /cb/} once something decodes or normalises them: refused at the intake. */
    static Stream<String> escapingSpellings() {
        return Stream.of(
                // double and triple encoding of '.' and '/', mixed case
                "/cb/%252e%252e/%252e%252e/admin", "/cb/%25252e%25252e/admin", "/cb/%252E%252e/admin",
                "/cb/%252f..%252fadmin", "/cb/..%252fadmin", "/cb/%25%32%65%25%32%65/admin",
                // overlong UTF-8 forms of '.' and '/', and a lone continuation byte
                "/cb/%c0%ae%c0%ae/admin", "/cb/%C0%AE%C0%AE%C0%AFadmin", "/cb/%e0%80%ae%e0%80%ae/admin", "/cb/%c0%2e/admin",
                "/cb/%80/admin",
                // %u forms (IIS)
                "/cb/%u002e%u002e/admin", "/cb/%U002E%U002E/admin",
                // dot segments, also with ';' parameters, encoded, with backslashes, encoded NUL and controls
                "/cb/../admin", "/cb/..;/admin", "/cb/.;x=1/admin", "/cb/%2e%2e;/admin", "/cb/..%3b/admin", "/cb/%2e%2e%3b/admin",
                "/cb/%5c..%5cadmin", "/cb/%00/admin", "/cb/a%0d%0aX-Injected:%20yes", "/cb/a/%2e/b", "/cb/%2e");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plainSpellings")
    void theReceiverGetsExactlyThePathAndQueryThatWereChecked(String pathAndQuery) throws Exception {
        HttpResponse<String> response = post(CallersDeliveryTest.question("callback " + pathAndQuery)
                .put("callback_url", receiver.base() + pathAndQuery));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
        RawRequestReceiver.Request request = receiver.await(id, Duration.ofSeconds(30));
        assertThat(request.target()).as("the request line's target").isEqualTo(pathAndQuery);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapingSpellings")
    void aPathThatCouldLeaveTheAllowedPrefixIsRefusedAtTheIntake(String pathAndQuery) throws Exception {
        int before = app.depth(app.property("gateway.queue.requests"));
        HttpResponse<String> response = post(CallersDeliveryTest.question("callback " + pathAndQuery)
                .put("callback_url", receiver.base() + pathAndQuery));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).startsWith("callback_url");
        // the agent stage may take earlier questions off the queue meanwhile, never one more on it
        assertThat(app.depth(app.property("gateway.queue.requests"))).as("nothing queued").isLessThanOrEqualTo(before);
    }

    @Test
    void aConfiguredEndpointGetsItsUrlExactlyAsWritten() throws Exception {
        HttpResponse<String> response = post(CallersDeliveryTest.question("configured endpoint"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = Json.MAPPER.readTree(response.body()).get("tracking_id").asText();
        RawRequestReceiver.Request request = receiver.await(id, Duration.ofSeconds(30));
        assertThat(request.target()).isEqualTo(CONFIGURED);
    }

    static HttpResponse<String> post(ObjectNode body) throws Exception {
        return app.send(HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build());
    }
}
