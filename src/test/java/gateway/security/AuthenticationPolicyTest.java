package gateway.security;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticationPolicyTest {

    static Map<String, String> settings(String... given) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String name : new String[] {"GATEWAY_API_KEYS", "GATEWAY_API_KEYS_FILE", "CALLERS_FILE", "INBOUND_SIGNING_SECRET"}) {
            all.put(name, "");
        }
        for (String name : given) {
            all.put(name, "/some/value");
        }
        return all;
    }

    @Test
    void anyKeySettingEnforcesWhateverElseIsSet() {
        for (boolean disabled : new boolean[] {false, true}) {
            for (boolean local : new boolean[] {false, true}) {
                AuthenticationPolicy policy = AuthenticationPolicy.decide(settings("CALLERS_FILE"), disabled, local);
                assertThat(policy.enforced()).isTrue();
                assertThat(policy.settingsGiven()).containsExactly("CALLERS_FILE");
            }
        }
    }

    @Test
    void openOnlyByAuthDisabledOrInTheLocalProfileWithNoKeySetting() {
        assertThat(AuthenticationPolicy.decide(settings(), true, false).enforced()).isFalse();
        assertThat(AuthenticationPolicy.decide(settings(), true, false).why()).isEqualTo("AUTH_DISABLED=true");
        assertThat(AuthenticationPolicy.decide(settings(), false, true).enforced()).isFalse();
        // blank is not given; a missing setting never opens anything
        assertThat(AuthenticationPolicy.decide(settings(), false, false).enforced()).isTrue();
        Map<String, String> blank = settings();
        blank.put("GATEWAY_API_KEYS", "   ");
        assertThat(AuthenticationPolicy.decide(blank, false, false).enforced()).isTrue();
        assertThat(AuthenticationPolicy.decide(blank, false, true).enforced()).isFalse();
    }

    @Test
    void enforcedWithNothingToCheckIsNoStart() {
        AuthenticationPolicy keysFile = AuthenticationPolicy.decide(settings("GATEWAY_API_KEYS_FILE"), false, true);
        assertThatThrownBy(() -> keysFile.requireCredentials(0, false))
                .hasMessageStartingWith("Authentication is on but no credential is loaded (GATEWAY_API_KEYS_FILE is set but holds no API key)");
        keysFile.requireCredentials(1, false);
        keysFile.requireCredentials(0, true);
        AuthenticationPolicy nothing = AuthenticationPolicy.decide(settings(), false, false);
        assertThatThrownBy(() -> nothing.requireCredentials(0, false)).hasMessageContaining("(no key setting is given)");
        AuthenticationPolicy open = AuthenticationPolicy.decide(settings(), true, false);
        open.requireCredentials(0, false);
    }
}
