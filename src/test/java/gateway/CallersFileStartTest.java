package gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A bad callers file stops the real application's start with one line naming the caller and the field. */
class CallersFileStartTest {

    static final String KEY = "a-key-that-must-not-be-shown-0001";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void aBadFileStopsTheStartWithOneLineNamingTheCallerAndTheField() throws Exception {
        Path file = Files.createTempFile("callers", ".yaml");
        try {
            Files.writeString(file, """
                    callers:
                      - name: crm
                        api_keys: ["%s"]
                        signing_secrets: ["%s"]
                        webhooks:
                          - url: https://crm.example.com/hooks
                          - url: ftp://crm.example.com/hooks
                    """.formatted(KEY, SECRET));
            Throwable failure = catchThrowable(() -> GatewayTestApp.start(Map.of("gateway.callers.file", file.toString())).close());
            assertThat(failure).isNotNull();
            String line = StartFailure.describe(failure, key -> Optional.empty());
            assertThat(line).startsWith("Start failed: CALLERS_FILE: caller 'crm': webhooks[2].url: ")
                    .doesNotContain(KEY, SECRET, "\n");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
