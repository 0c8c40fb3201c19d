package gateway.config;

import gateway.config.ProdStartupChecks.Settings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProdStartupChecksTest {

    @Test
    void keysOrAnExplicitAuthDisabledAreRequired() {
        assertThat(ProdStartupChecks.problems(new Settings(true, false, "", false))).isEmpty();
        assertThat(ProdStartupChecks.problems(new Settings(false, true, "", false))).isEmpty();
        assertThat(ProdStartupChecks.problems(new Settings(false, false, "", false)))
                .singleElement().asString().contains("GATEWAY_API_KEYS").contains("AUTH_DISABLED=true");
    }

    @Test
    void webhookUrlMustBeHttpsUnlessAllowed() {
        assertThat(ProdStartupChecks.problems(new Settings(true, false, "https://receiver.example/hook", false))).isEmpty();
        assertThat(ProdStartupChecks.problems(new Settings(true, false, "HTTPS://receiver.example", false))).isEmpty();
        for (String url : new String[] {"http://receiver.example/hook", "ftp://x", "receiver.example", "https:///nohost", "::"}) {
            assertThat(ProdStartupChecks.problems(new Settings(true, false, url, false))).as(url)
                    .singleElement().asString().contains("WEBHOOK_URL must be an https:// URL")
                    .contains("ALLOW_INSECURE_WEBHOOK_URL=true");
        }
        assertThat(ProdStartupChecks.problems(new Settings(true, false, "http://receiver.internal/hook", true))).isEmpty();
    }

    @Test
    void everyProblemIsListed() {
        assertThat(ProdStartupChecks.problems(new Settings(false, false, "http://x", false))).hasSize(2);
    }
}
