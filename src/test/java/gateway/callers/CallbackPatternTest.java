package gateway.callers;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbackPatternTest {

    private static boolean matches(String pattern, String url) {
        return CallbackPattern.parse(pattern, true).matches(URI.create(url));
    }

    @Test
    void exactHostAnyCase() {
        assertThat(matches("https://crm.example.com/hooks/answer", "https://crm.example.com/hooks/answer")).isTrue();
        assertThat(matches("https://crm.example.com/hooks/answer", "https://CRM.Example.COM/hooks/answer")).isTrue();
        assertThat(matches("https://CRM.example.com/hooks/answer", "https://crm.example.com/hooks/answer")).isTrue();
        assertThat(matches("https://crm.example.com/hooks/answer", "https://api.crm.example.com/hooks/answer")).isFalse();
        assertThat(matches("https://crm.example.com/hooks/answer", "https://crm.example.com.evil.net/hooks/answer")).isFalse();
        assertThat(matches("https://crm.example.com/hooks/answer", "https://evilcrm.example.com/hooks/answer")).isFalse();
    }

    @Test
    void wildcardSubdomainAtAnyDepthButNotTheBareDomain() {
        String pattern = "https://*.crm.example.com/hooks/*";
        assertThat(matches(pattern, "https://eu.crm.example.com/hooks/1")).isTrue();
        assertThat(matches(pattern, "https://a.b.crm.example.com/hooks/1")).isTrue();
        assertThat(matches(pattern, "https://EU.CRM.example.com/hooks/1")).isTrue();
        assertThat(matches(pattern, "https://crm.example.com/hooks/1")).isFalse();
        assertThat(matches(pattern, "https://evilcrm.example.com/hooks/1")).isFalse();
        assertThat(matches(pattern, "https://eu.crm.example.com.evil.net/hooks/1")).isFalse();
        assertThat(matches(pattern, "https://crm.example.com.evil.net/hooks/1")).isFalse();
    }

    @Test
    void anyHost() {
        assertThat(matches("https://*/hooks/*", "https://anything.example.net/hooks/x")).isTrue();
        assertThat(matches("https://*/hooks/*", "https://10.0.0.1/hooks/x")).isTrue(); // the SSRF guard judges addresses
        assertThat(matches("https://*/hooks/*", "https://anything.example.net/other")).isFalse();
    }

    @Test
    void wildcardSubdomainNeverMatchesAnAddress() {
        assertThatThrownBy(() -> CallbackPattern.parse("https://*.0.0.1/x", true)).hasMessageContaining("host");
        assertThat(matches("https://*.example.com/*", "https://[::1]/x")).isFalse();
    }

    @Test
    void portIsExactWithTheSchemesDefault() {
        assertThat(matches("https://crm.example.com/h", "https://crm.example.com:443/h")).isTrue();
        assertThat(matches("https://crm.example.com:443/h", "https://crm.example.com/h")).isTrue();
        assertThat(matches("https://crm.example.com/h", "https://crm.example.com:8443/h")).isFalse();
        assertThat(matches("https://crm.example.com:8443/h", "https://crm.example.com:8443/h")).isTrue();
        assertThat(matches("https://crm.example.com:8443/h", "https://crm.example.com/h")).isFalse();
        assertThat(matches("http://crm.example.com/h", "http://crm.example.com:80/h")).isTrue();
        assertThat(matches("https://*/h", "https://crm.example.com:444/h")).isFalse();
    }

    @Test
    void schemeIsExact() {
        assertThat(matches("https://crm.example.com/h", "http://crm.example.com/h")).isFalse();
        assertThat(matches("http://crm.example.com/h", "https://crm.example.com/h")).isFalse();
        assertThat(matches("https://crm.example.com/h", "HTTPS://crm.example.com/h")).isTrue();
        assertThat(matches("https://crm.example.com/h", "ftp://crm.example.com/h")).isFalse();
    }

    @Test
    void httpOnlyWhenAllowed() {
        assertThatThrownBy(() -> CallbackPattern.parse("http://crm.example.com/h", false))
                .hasMessageContaining("https").hasMessageContaining("ALLOW_INSECURE_WEBHOOK_URL");
        assertThat(CallbackPattern.parse("http://crm.example.com/h", true).matches(URI.create("http://crm.example.com/h"))).isTrue();
        assertThatThrownBy(() -> CallbackPattern.parse("ftp://crm.example.com/h", true)).hasMessageContaining("http or https");
    }

    @Test
    void pathExactOrPrefix() {
        assertThat(matches("https://crm.example.com/hooks/answer", "https://crm.example.com/hooks/answer/x")).isFalse();
        assertThat(matches("https://crm.example.com/hooks/answer", "https://crm.example.com/hooks/answe")).isFalse();
        assertThat(matches("https://crm.example.com/hooks/*", "https://crm.example.com/hooks/")).isTrue();
        assertThat(matches("https://crm.example.com/hooks/*", "https://crm.example.com/hooks/a/b/c")).isTrue();
        assertThat(matches("https://crm.example.com/hooks/*", "https://crm.example.com/hooks")).isFalse();
        assertThat(matches("https://crm.example.com/hooks/*", "https://crm.example.com/HOOKS/a")).isFalse();
        assertThat(matches("https://crm.example.com/*", "https://crm.example.com")).isTrue();
        assertThat(matches("https://crm.example.com", "https://crm.example.com/")).isTrue();
        assertThat(matches("https://crm.example.com", "https://crm.example.com")).isTrue();
        assertThat(matches("https://crm.example.com", "https://crm.example.com/x")).isFalse();
    }

    @Test
    void theQueryOfTheUrlIsAllowedAndIgnored() {
        assertThat(matches("https://crm.example.com/hooks/answer", "https://crm.example.com/hooks/answer?token=abc")).isTrue();
        assertThat(matches("https://crm.example.com/hooks/*", "https://crm.example.com/hooks/x?next=/admin/../x")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://crm.example.com/hooks/../admin",
            "https://crm.example.com/hooks/./x",
            "https://crm.example.com/hooks/..",
            "https://crm.example.com/hooks/..;/admin",
            "https://crm.example.com/hooks/%2e%2e/admin",
            "https://crm.example.com/hooks/%2E%2E/admin",
            "https://crm.example.com/hooks/.%2e/admin",
            "https://crm.example.com/hooks/..%2fadmin",
            "https://crm.example.com/hooks/..%2Fadmin",
            "https://crm.example.com/hooks/..%5cadmin",
            "https://crm.example.com/hooks/..%5Cadmin",
            "https://crm.example.com/hooks/x%00",
            "https://crm.example.com/hooks/%252e%252e/admin",
            "https://crm.example.com/hooks/%25252E%25252E/admin",
            "https://crm.example.com/hooks/..%252fadmin",
            "https://crm.example.com/hooks/%c0%ae%c0%ae/admin",
            "https://crm.example.com/hooks/%e0%80%ae/admin",
            "https://crm.example.com/hooks/%80admin",
            "https://crm.example.com/hooks/%c3",
            "https://crm.example.com/hooks/..%3b/admin",
            "https://crm.example.com/hooks/x%0d%0aHost:%20evil",
            "https://crm.example.com/hooks/x%7f",
            "https://user:pass@crm.example.com/hooks/x",
            "https://user@crm.example.com/hooks/x",
            "https://crm.example.com/hooks/x#frag",
            "https://crm.example.com/hooks/\u00e9",
            "//crm.example.com/hooks/x",
            "/hooks/x",
            "https:crm.example.com/hooks/x",
            "https://crm_example.com/hooks/x"})
    void escapeAttemptsNeverMatch(String url) {
        CallbackPattern pattern = CallbackPattern.parse("https://*.example.com/hooks/*", false);
        CallbackPattern exact = CallbackPattern.parse("https://crm.example.com/hooks/*", false);
        CallbackPattern any = CallbackPattern.parse("https://*/*", false);
        URI uri = URI.create(url);
        assertThat(pattern.matches(uri)).as(url).isFalse();
        assertThat(exact.matches(uri)).as(url).isFalse();
        assertThat(any.matches(uri)).as(url).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hooks/a%20b", "/hooks/caf%C3%A9", "/hooks/%7Euser", "/hooks/a%2Bb", "/hooks/%E2%9C%93"})
    void encodedTextThatNoDecodingTurnsIntoASeparatorMatches(String path) {
        assertThat(CallbackPattern.parse("https://crm.example.com/hooks/*", false).matches(URI.create("https://crm.example.com" + path)))
                .as(path).isTrue();
    }

    @Test
    void nullNeverMatches() {
        assertThat(CallbackPattern.parse("https://*/*", false).matches(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://crm.example.com/hooks?x=1",
            "https://crm.example.com/hooks#x",
            "https://user@crm.example.com/hooks",
            "https://crm.*.example.com/hooks",
            "https://api-*.example.com/hooks",
            "https://*example.com/hooks",
            "https://*./hooks",
            "https://crm.example.com/*/hooks",
            "https://crm.example.com/hooks/../admin/*",
            "https://crm.example.com/hooks/%2e%2e/*",
            "https://crm.example.com:0/hooks",
            "https://crm.example.com:65536/hooks",
            "https://crm.example.com:x/hooks",
            "https:///hooks",
            "crm.example.com/hooks",
            "https://crm example.com/hooks",
            " ",
            ""})
    void badPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> CallbackPattern.parse(pattern, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv6LiteralHostsAreExact() {
        assertThat(matches("https://[2001:db8::1]:8443/h", "https://[2001:db8::1]:8443/h")).isTrue();
        assertThat(matches("https://[2001:db8::1]/h", "https://[2001:db8::2]/h")).isFalse();
    }

    @Test
    void toStringIsThePattern() {
        assertThat(CallbackPattern.parse(" https://*.crm.example.com/hooks/* ", false)).hasToString("https://*.crm.example.com/hooks/*");
    }
}
