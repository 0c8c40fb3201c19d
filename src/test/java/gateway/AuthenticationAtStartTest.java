package gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Whether requests must authenticate is decided once, at start, from the settings (gateway.security.AuthenticationPolicy):
 * a key setting that holds no key does not open the gateway, it stops the start with one line; open only with
 * AUTH_DISABLED=true or, in the local profile, with no key setting at all, each said at WARN.
 */
class AuthenticationAtStartTest {

    static final String KEY = "start-key-0001-aaaaaaaaaaaa";
    static final String VALID = """
            {"source_process":"test_system","timestamp":"2025-08-13T06:30:00Z","source_system":"external_app","query":"Open?"}""";

    @Test
    void anEmptyKeysFileStopsTheStartInsteadOfOpeningTheGateway() throws Exception {
        Path keys = Files.createTempFile("keys", ".txt");
        try {
            Files.writeString(keys, "# no keys yet\n\n");
            Throwable failure = catchThrowable(() -> GatewayTestApp.start(Map.of("gateway.api-keys.file", keys.toString(),
                    "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false")).close());
            assertThat(StartFailure.describe(failure, key -> Optional.empty()))
                    .startsWith("Start failed: Authentication is on but no credential is loaded (GATEWAY_API_KEYS_FILE is set but holds no API key)")
                    .contains("AUTH_DISABLED=true").doesNotContain("\n");
        } finally {
            Files.deleteIfExists(keys);
        }
    }

    @Test
    void aCallersFileWithNoCallerStopsTheStartInsteadOfOpeningTheGateway() throws Exception {
        Path callers = Files.createTempFile("callers", ".yaml");
        try {
            Files.writeString(callers, "callers: []\n");
            Throwable failure = catchThrowable(() -> GatewayTestApp.start(Map.of("gateway.callers.file", callers.toString(),
                    "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false")).close());
            assertThat(failure).as("the start failed").isNotNull();
            assertThat(StartFailure.describe(failure, key -> Optional.empty())).startsWith("Start failed: CALLERS_FILE:")
                    .contains("no API key").doesNotContain("\n");
        } finally {
            Files.deleteIfExists(callers);
        }
    }

    @Test
    void theLocalProfileWithNoKeySettingRunsOpenAndSaysSo() throws Exception {
        try (LogCapture logs = LogCapture.start();
             GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.agent.stage-enabled", "false",
                     "gateway.delivery.stage-enabled", "false"))) {
            assertThat(logs.events()).anyMatch(line -> line.startsWith("WARN")
                    && line.contains("Authentication is OFF (no key setting is given (local profile))"));
            assertThat(post(app, null).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void authDisabledDoesNotOpenAGatewayThatHasKeySettings() throws Exception {
        try (LogCapture logs = LogCapture.start();
             GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.api-keys.secret", "crm:" + KEY,
                     "gateway.security.auth-disabled", "true",
                     "gateway.agent.stage-enabled", "false", "gateway.delivery.stage-enabled", "false"))) {
            assertThat(logs.events()).anyMatch(line -> line.startsWith("WARN")
                    && line.contains("AUTH_DISABLED=true is ignored: GATEWAY_API_KEYS is set, so authentication is enforced"));
            assertThat(post(app, null).statusCode()).isEqualTo(401);
            assertThat(post(app, KEY).statusCode()).isEqualTo(202);
        }
    }

    static HttpResponse<String> post(GatewayTestApp app, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.url("/webhook")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(VALID));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return app.send(request.build());
    }
}
