package gateway.callers;

import java.util.List;

import gateway.delivery.WebhookSigner;
import gateway.security.ApiKeys;
import org.junit.jupiter.api.Test;

import static gateway.callers.CallersFileTest.KEY_1;
import static gateway.callers.CallersFileTest.KEY_2;
import static gateway.callers.CallersFileTest.PROD;
import static gateway.callers.CallersFileTest.SECRET_1;
import static gateway.callers.CallersFileTest.SECRET_2;
import static gateway.callers.CallersFileTest.SETTINGS_KEY;
import static gateway.callers.CallersFileTest.ZAP_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallersTest {

    private final ApiKeys settings = ApiKeys.parse("ops:" + SETTINGS_KEY);
    private final Callers callers = Callers.of(settings, CallersFile.parse(CallersFileTest.valid(), PROD));

    @Test
    void keysOfTheSettingsAndOfTheFileBothAuthenticate() {
        assertThat(callers.callerFor(SETTINGS_KEY)).hasValue("ops");
        assertThat(callers.callerFor(KEY_1)).hasValue("crm");
        assertThat(callers.callerFor(KEY_2)).hasValue("crm"); // the next key, during a rotation
        assertThat(callers.callerFor(ZAP_KEY)).hasValue("zap");
        assertThat(callers.callerFor(KEY_1 + "x")).isEmpty();
        assertThat(callers.callerFor(KEY_1.substring(1))).isEmpty();
        assertThat(callers.callerFor("")).isEmpty();
        assertThat(callers.callerFor(null)).isEmpty();
    }

    @Test
    void onlyTheFilesCallersHaveEndpoints() {
        assertThat(callers.fileCaller("crm")).get().extracting(Caller::name).isEqualTo("crm");
        assertThat(callers.fileCaller("ops")).isEmpty(); // delivers to WEBHOOK_URL as before
        assertThat(callers.fileCaller("nobody")).isEmpty();
        assertThat(callers.fileCaller(null)).isEmpty();
        assertThat(callers.fileCallers()).extracting(Caller::name).containsExactly("crm", "zap");
        assertThat(callers.settingsCallerNames()).containsExactly("ops");
        assertThat(callers.names()).containsExactly("ops", "crm", "zap");
    }

    @Test
    void hasKeysWhenEitherSourceHasSome() {
        assertThat(callers.hasKeys()).isTrue();
        assertThat(Callers.ofSettings(ApiKeys.none()).hasKeys()).isFalse();
        assertThat(Callers.ofSettings(settings).hasKeys()).isTrue();
        assertThat(Callers.of(ApiKeys.none(), CallersFile.parse(CallersFileTest.valid(), PROD)).hasKeys()).isTrue();
        assertThat(Callers.of(ApiKeys.none(), List.of()).hasKeys()).isFalse();
    }

    @Test
    void duringASecretRotationEachSecretAloneVerifiesTheSignature() {
        Caller crm = callers.fileCaller("crm").orElseThrow();
        String body = "{\"type\":\"query.answered\"}";
        long now = System.currentTimeMillis() / 1000;
        String signature = crm.webhook("answers").orElseThrow().signer().sign("msg_2", now, body);
        assertThat(signature.split(" ")).hasSize(2);
        for (String secret : List.of(SECRET_1, SECRET_2)) {
            assertThat(new WebhookSigner(secret).check("msg_2", Long.toString(now), body, signature))
                    .isEqualTo(WebhookSigner.Verification.VALID);
        }
        assertThat(new WebhookSigner(WebhookSigner.generateSecret()).check("msg_2", Long.toString(now), body, signature))
                .isEqualTo(WebhookSigner.Verification.NO_MATCHING_SIGNATURE);
    }

    @Test
    void aNameInBothSourcesIsRefused() {
        List<Caller> file = CallersFile.parse(CallersFileTest.valid(), PROD);
        assertThatThrownBy(() -> Callers.of(ApiKeys.parse("crm:" + SETTINGS_KEY), file)).hasMessageContaining("'crm'");
    }

    @Test
    void toStringShowsNamesOnly() {
        assertThat(callers.toString()).contains("ops", "crm", "zap").doesNotContain(KEY_1, SETTINGS_KEY, SECRET_1);
    }
}
