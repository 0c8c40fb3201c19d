package gateway.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    static final String CRM = "crm-key-0123456789abcdef";
    static final String ZAP = "zap-key-0123456789abcdef";

    @Test
    void commaSeparatedNameKeyPairs() {
        ApiKeys keys = ApiKeys.parse(" crm:" + CRM + " , zapier : " + ZAP + ",");
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.callerFor(CRM)).hasValue("crm");
        assertThat(keys.callerFor(ZAP)).hasValue("zapier");
        assertThat(keys.callerFor(CRM + "x")).isEmpty();
        assertThat(keys.callerFor(CRM.substring(1))).isEmpty();
        assertThat(keys.callerFor("")).isEmpty();
        assertThat(keys.callerFor(null)).isEmpty();
    }

    @Test
    void fileFormatOnePerLineWithCommentsAndRotation() {
        ApiKeys keys = ApiKeys.parse("# callers\ncrm:" + CRM + "\r\n\n  # rotated\ncrm:" + ZAP + "\n");
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.names()).containsExactly("crm");
        assertThat(keys.callerFor(ZAP)).hasValue("crm");
    }

    @Test
    void keyMayContainColons() {
        ApiKeys keys = ApiKeys.parse("crm:abc:def:0123456789abcdef");
        assertThat(keys.callerFor("abc:def:0123456789abcdef")).hasValue("crm");
    }

    @Test
    void emptySettingMeansNoKeys() {
        assertThat(ApiKeys.parse("").isEmpty()).isTrue();
        assertThat(ApiKeys.parse(null).isEmpty()).isTrue();
        assertThat(ApiKeys.parse(" \n# only a comment\n").isEmpty()).isTrue();
    }

    @Test
    void badEntriesAreNamedByPositionNeverByKey() {
        assertThatThrownBy(() -> ApiKeys.parse("crm:" + CRM + "," + ZAP))
                .hasMessage("GATEWAY_API_KEYS entry #2 is not name:key").message().doesNotContain(ZAP);
        assertThatThrownBy(() -> ApiKeys.parse("crm:short"))
                .hasMessageContaining("entry #1 (crm)").hasMessageContaining("at least 16").message().doesNotContain("short");
        assertThatThrownBy(() -> ApiKeys.parse("bad name:" + CRM)).hasMessageContaining("entry #1: the name");
        assertThatThrownBy(() -> ApiKeys.parse(":" + CRM)).hasMessageContaining("entry #1: the name");
        assertThatThrownBy(() -> ApiKeys.parse("a:" + CRM + ",b:" + CRM))
                .hasMessage("GATEWAY_API_KEYS entry #2 (b) repeats the key of 'a'");
        assertThatThrownBy(() -> ApiKeys.parse("crm:0123456789 abcdef")).hasMessageContaining("no spaces");
    }

    @Test
    void toStringShowsNamesNotKeys() {
        ApiKeys keys = ApiKeys.parse("crm:" + CRM);
        assertThat(keys.toString()).contains("crm").doesNotContain(CRM);
    }

    @Test
    void theNameAndKeyRulesAndTheKeysPerCaller() {
        assertThat(ApiKeys.isValidName("crm.eu_1-a")).isTrue();
        assertThat(ApiKeys.isValidName("a b")).isFalse();
        assertThat(ApiKeys.isValidName("-crm")).isFalse();
        assertThat(ApiKeys.isValidName("a".repeat(65))).isFalse();
        assertThat(ApiKeys.isValidName(null)).isFalse();
        assertThat(ApiKeys.isValidKey(CRM)).isTrue();
        assertThat(ApiKeys.isValidKey("short")).isFalse();
        assertThat(ApiKeys.isValidKey("0123456789 abcdef")).isFalse();
        assertThat(ApiKeys.isValidKey("0123456789abcdef\u007f")).isFalse();
        assertThat(ApiKeys.isValidKey(null)).isFalse();
        ApiKeys keys = ApiKeys.parse("crm:" + CRM + ",crm:" + ZAP + ",ops:ops-key-0123456789abcdef");
        assertThat(keys.keyCount("crm")).isEqualTo(2);
        assertThat(keys.keyCount("ops")).isEqualTo(1);
        assertThat(keys.keyCount("nobody")).isZero();
    }
}
