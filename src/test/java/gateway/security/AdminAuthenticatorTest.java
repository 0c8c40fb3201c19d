package gateway.security;

import gateway.security.AdminAuthenticator.Decision;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminAuthenticatorTest {

    static final String TOKEN = "admin-token-0123456789";

    @Test
    void withATokenOnlyTheBearerTokenPasses() {
        for (boolean devProfile : new boolean[] {true, false}) {
            AdminAuthenticator admin = new AdminAuthenticator(TOKEN, devProfile);
            assertThat(admin.check("Bearer " + TOKEN)).isEqualTo(Decision.ALLOWED);
            assertThat(admin.check("bearer  " + TOKEN + " ")).isEqualTo(Decision.ALLOWED);
            assertThat(admin.check(null)).isEqualTo(Decision.MISSING_TOKEN);
            assertThat(admin.check(TOKEN)).as("no Bearer scheme").isEqualTo(Decision.MISSING_TOKEN);
            assertThat(admin.check("Basic " + TOKEN)).isEqualTo(Decision.MISSING_TOKEN);
            assertThat(admin.check("Bearer ")).isEqualTo(Decision.MISSING_TOKEN);
            assertThat(admin.check("Bearer " + TOKEN + "x")).isEqualTo(Decision.WRONG_TOKEN);
            assertThat(admin.check("Bearer " + TOKEN.substring(0, 10))).isEqualTo(Decision.WRONG_TOKEN);
        }
    }

    @Test
    void withoutATokenProdRefusesAndDevAllows() {
        assertThat(new AdminAuthenticator("", false).check("Bearer anything")).isEqualTo(Decision.DISABLED);
        assertThat(new AdminAuthenticator(null, false).check(null)).isEqualTo(Decision.DISABLED);
        assertThat(Decision.DISABLED.status()).isEqualTo(403);
        assertThat(new AdminAuthenticator(" ", true).check(null)).isEqualTo(Decision.ALLOWED_WITHOUT_TOKEN);
    }

    @Test
    void authorizeThrowsTheStatusForAdminRoutes() {
        AdminAuthenticator admin = new AdminAuthenticator(TOKEN, false);
        assertThatCode(() -> admin.authorize(exchange("Bearer " + TOKEN))).doesNotThrowAnyException();
        assertThatThrownBy(() -> admin.authorize(exchange(null)))
                .isInstanceOfSatisfying(AdminAccessDenied.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.headers()).containsEntry("WWW-Authenticate", "Bearer");
                });
        assertThatThrownBy(() -> admin.authorize(exchange("Bearer wrong")))
                .isInstanceOfSatisfying(AdminAccessDenied.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessage("Invalid admin token");
        assertThatThrownBy(() -> new AdminAuthenticator("", false).authorize(exchange("Bearer " + TOKEN)))
                .isInstanceOfSatisfying(AdminAccessDenied.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessage("Admin operations are disabled: ADMIN_TOKEN is not set");
        assertThatCode(() -> new AdminAuthenticator("", true).authorize(exchange(null))).doesNotThrowAnyException();
    }

    @Test
    void neverShowsTheToken() {
        assertThat(new AdminAuthenticator(TOKEN, false).toString()).doesNotContain(TOKEN).contains("set");
    }

    static Exchange exchange(String authorization) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        return exchange;
    }
}
