package gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which profile runs: local by default where the jar has it, prod otherwise; dev is the local profile's old name. */
class GatewayProfileTest {

    @Test
    void defaultsToLocalInTheFullJarAndToProdInTheProdJar() {
        assertThat(GatewayApplication.profile(null, true)).isEqualTo("local");
        assertThat(GatewayApplication.profile(" ", true)).isEqualTo("local");
        assertThat(GatewayApplication.profile(null, false)).isEqualTo("prod");
    }

    @Test
    void readsDevAsLocalAndKeepsAnyOtherProfile() {
        assertThat(GatewayApplication.profile("dev", true)).isEqualTo("local");
        assertThat(GatewayApplication.profile(" local ", true)).isEqualTo("local");
        assertThat(GatewayApplication.profile("prod", true)).isEqualTo("prod");
        assertThat(GatewayApplication.profile("prod", false)).isEqualTo("prod");
    }

    @Test
    void refusesTheLocalProfileWhereTheJarHasNoStandIns() {
        for (String name : new String[] {"local", "dev"}) {
            assertThatThrownBy(() -> GatewayApplication.profile(name, false))
                    .hasMessageStartingWith("CAMEL_MAIN_PROFILE=" + name + " needs the full jar");
        }
    }
}
