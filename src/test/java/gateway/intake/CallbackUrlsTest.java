package gateway.intake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.callers.CallerDirectory;
import gateway.callers.CallersFile;
import gateway.json.Json;
import gateway.net.AddressGuard;
import gateway.security.ApiKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The intake's callback_url rules, as in prod: the caller's allowlist, https only, and the SSRF guard. */
class CallbackUrlsTest {

    Path file;
    CallbackUrls prod;

    @BeforeEach
    void callers() throws Exception {
        file = Files.createTempFile("callers", ".yaml");
        Files.writeString(file, """
                callers:
                  - name: crm
                    api_keys: ["crm-key-0001-aaaaaaaaaaaa"]
                    signing_secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
                    callback_urls: ["https://*.crm.example.com/hooks/*", "https://*:8443/internal/*"]
                  - name: zap
                    api_keys: ["zap-key-0001-cccccccccccc"]
                    signing_secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
                    webhooks:
                      - url: https://hooks.example.com/zap
                """);
        CallerDirectory directory = new CallerDirectory(file, new CallersFile.Rules(false, ApiKeys.parse("legacy:legacy-key-0001-dddd"), null), true,
                new SimpleMeterRegistry());
        directory.load();
        prod = new CallbackUrls(directory, new AddressGuard(false, List.of()), false);
    }

    @AfterEach
    void remove() throws Exception {
        Files.deleteIfExists(file);
    }

    @Test
    void noCallbackUrlIsNothingToCheck() {
        assertThatCode(() -> prod.check(request(), "crm")).doesNotThrowAnyException();
        assertThatCode(() -> prod.check(request().putNull("callback_url"), null)).doesNotThrowAnyException();
    }

    @Test
    void outsideTheCallersAllowlistIs400() {
        assertRefused("crm", "https://crm.example.com/hooks/x", CallbackUrls.NOT_ALLOWED);          // the bare domain
        assertRefused("crm", "https://a.crm.example.com/other", CallbackUrls.NOT_ALLOWED);          // path
        assertRefused("crm", "https://a.crm.example.com:8443/hooks/x", CallbackUrls.NOT_ALLOWED);   // port
        assertRefused("zap", "https://a.crm.example.com/hooks/x", CallbackUrls.NOT_ALLOWED);        // no callback_urls
        assertRefused("legacy", "https://a.crm.example.com/hooks/x", CallbackUrls.NOT_ALLOWED);     // GATEWAY_API_KEYS
        assertRefused(null, "https://a.crm.example.com/hooks/x", CallbackUrls.NOT_ALLOWED);         // open gateway
    }

    @Test
    void onlyHttpsInProdAndOnlyAbsoluteUrlsWithAHost() {
        assertRefused("crm", "http://a.crm.example.com/hooks/x", "callback_url must be an https URL");
        assertRefused("crm", "/hooks/x", "callback_url must be an absolute http(s) URL with a host, without user info or fragment");
        assertRefused("crm", "https://user:pw@a.crm.example.com/hooks/x",
                "callback_url must be an absolute http(s) URL with a host, without user info or fragment");
        assertRefused("crm", "https://a.crm.example.com/hooks/x#frag",
                "callback_url must be an absolute http(s) URL with a host, without user info or fragment");
        assertRefused("crm", "https://a.crm.example.com/hooks/ x", "callback_url is not a valid URL");
        assertRefused("crm", "https://a.crm.example.com/hooks/" + "x".repeat(2100), "callback_url is longer than 2048 characters");
        IntakeRejection notText = catchThrowableOfType(IntakeRejection.class, () -> prod.check(request().put("callback_url", 7), "crm"));
        assertThat(notText.status()).isEqualTo(400);
        assertThat(notText.getMessage()).isEqualTo("Field 'callback_url' must be a string: an absolute https URL");
    }

    @Test
    void anAllowedPatternStillNeverReachesABlockedAddress() {
        // "https://*:8443/internal/*" allows any host: the guard still refuses loopback, private and metadata addresses
        for (String host : List.of("127.0.0.1", "localhost", "10.1.2.3", "169.254.169.254", "[::1]", "[::ffff:10.0.0.1]", "2130706433")) {
            assertRefused("crm", "https://" + host + ":8443/internal/x", "callback_url resolves to a blocked address");
        }
    }

    private void assertRefused(String caller, String url, String message) {
        IntakeRejection refused = catchThrowableOfType(IntakeRejection.class, () -> prod.check(request().put("callback_url", url), caller));
        assertThat(refused).as(url).isNotNull();
        assertThat(refused.status()).as(url).isEqualTo(400);
        assertThat(refused.getMessage()).as(url).isEqualTo(message);
    }

    private static ObjectNode request() {
        return Json.object().put("query", "q").put("timestamp", "2025-08-13T06:30:00Z").put("source_system", "s").put("source_process", "p");
    }
}
