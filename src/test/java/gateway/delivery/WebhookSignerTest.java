package gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import gateway.delivery.WebhookSigner.Verification;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    // The Standard Webhooks published test vector: standard-webhooks/standard-webhooks,
    // libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java (verifyWebhookSignWorks);
    // the same values are used by the other reference libraries' tests.
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330L;
    static final String SPEC_BODY = "{\"test\": 2432232314}";
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static WebhookSigner signerAt(String secrets, long epochSeconds) {
        return new WebhookSigner(secrets, Duration.ofMinutes(5),
                Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC));
    }

    @Test
    void reproducesThePublishedSpecificationVector() {
        assertThat(new WebhookSigner(SPEC_SECRET).sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void acceptsTheSecretWithoutItsPrefix() {
        assertThat(new WebhookSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void signsOncePerSecretForKeyRotation() {
        String other = WebhookSigner.generateSecret();
        String header = new WebhookSigner(SPEC_SECRET + "  " + other).sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY);

        String[] signatures = header.split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).isEqualTo(SPEC_SIGNATURE);
        assertThat(signatures[1]).isEqualTo(new WebhookSigner(other).sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void headersCarryIdTimestampAndSignature() {
        assertThat(new WebhookSigner(SPEC_SECRET).headers(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("webhook-id", SPEC_MSG_ID),
                        org.assertj.core.api.Assertions.entry("webhook-timestamp", "1614265330"),
                        org.assertj.core.api.Assertions.entry("webhook-signature", SPEC_SIGNATURE));
    }

    @Test
    void verifiesThePublishedVector() {
        WebhookSigner signer = signerAt(SPEC_SECRET, SPEC_TIMESTAMP + 60);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE)).isEqualTo(Verification.VALID);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE).isValid()).isTrue();
    }

    @Test
    void findsTheValidSignatureAmongOthers() {
        WebhookSigner signer = signerAt(SPEC_SECRET, SPEC_TIMESTAMP);
        String header = "v1a,aGVsbG8= v1,bm9wZQ== garbage v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " + SPEC_SIGNATURE;
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, header).isValid()).isTrue();
    }

    @Test
    void aReceiverWithOnlyTheNewKeyAcceptsARotationHeader() {
        String newSecret = WebhookSigner.generateSecret();
        String header = new WebhookSigner(SPEC_SECRET + " " + newSecret).sign(SPEC_MSG_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertThat(signerAt(newSecret, SPEC_TIMESTAMP).check(SPEC_MSG_ID, "1614265330", SPEC_BODY, header).isValid()).isTrue();
    }

    @Test
    void rejectsTamperingWrongKeysAndStaleTimestamps() {
        WebhookSigner signer = signerAt(SPEC_SECRET, SPEC_TIMESTAMP);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", "{\"test\": 2432232315}", SPEC_SIGNATURE))
                .isEqualTo(Verification.NO_MATCHING_SIGNATURE);
        assertThat(signer.check("msg_other", "1614265330", SPEC_BODY, SPEC_SIGNATURE))
                .isEqualTo(Verification.NO_MATCHING_SIGNATURE);
        assertThat(signerAt(WebhookSigner.generateSecret(), SPEC_TIMESTAMP).check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE))
                .isEqualTo(Verification.NO_MATCHING_SIGNATURE);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, "v1,not-base64!"))
                .isEqualTo(Verification.NO_MATCHING_SIGNATURE);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, "v1g0hM9SsE"))
                .isEqualTo(Verification.NO_MATCHING_SIGNATURE);

        assertThat(signerAt(SPEC_SECRET, SPEC_TIMESTAMP + 301).check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE))
                .isEqualTo(Verification.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThat(signerAt(SPEC_SECRET, SPEC_TIMESTAMP - 301).check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE))
                .isEqualTo(Verification.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThat(signerAt(SPEC_SECRET, SPEC_TIMESTAMP + 300).check(SPEC_MSG_ID, "1614265330", SPEC_BODY, SPEC_SIGNATURE)
                .isValid()).isTrue();

        assertThat(signer.check(SPEC_MSG_ID, "yesterday", SPEC_BODY, SPEC_SIGNATURE)).isEqualTo(Verification.BAD_TIMESTAMP);
        assertThat(signer.check(null, "1614265330", SPEC_BODY, SPEC_SIGNATURE)).isEqualTo(Verification.MISSING_HEADER);
        assertThat(signer.check(SPEC_MSG_ID, "1614265330", SPEC_BODY, " ")).isEqualTo(Verification.MISSING_HEADER);
    }

    @Test
    void signsTheExactUtf8BytesOfTheBody() {
        WebhookSigner signer = signerAt(SPEC_SECRET, 1_700_000_000L);
        String body = "{\"ai_response\":{\"response_plain\":\"€1.8M 🎉\"}}";
        String header = signer.sign("msg_1", 1_700_000_000L, body);
        assertThat(signer.check("msg_1", "1700000000", body, header).isValid()).isTrue();
        assertThat(signer.check("msg_1", "1700000000", body.replace("€", "EUR"), header).isValid()).isFalse();
    }

    @Test
    void neverRevealsTheSecret() {
        String secret = WebhookSigner.generateSecret();
        WebhookSigner signer = new WebhookSigner(secret);
        assertThat(signer.toString()).doesNotContain(secret).doesNotContain(secret.substring(6)).contains("keys=1");

        String bad = "whsec_th1s*is!not~base64";
        assertThatThrownBy(() -> new WebhookSigner(secret + " " + bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#2 of 2")
                .hasMessageNotContaining("th1s")
                .hasNoCause();
        assertThatThrownBy(() -> new WebhookSigner("  ")).hasMessageContaining("no webhook signing secret");
        assertThatThrownBy(() -> new WebhookSigner("whsec_")).hasMessageContaining("empty");
    }

    @Test
    void refusesIdsThatWouldMakeTheSignedContentAmbiguous() {
        WebhookSigner signer = new WebhookSigner(SPEC_SECRET);
        assertThatThrownBy(() -> signer.sign("msg.1", 1L, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signer.sign(" ", 1L, "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatedSecretsHave32RandomBytes() {
        String a = WebhookSigner.generateSecret();
        assertThat(a).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThat(WebhookSigner.generateSecret()).isNotEqualTo(a);
    }
}
