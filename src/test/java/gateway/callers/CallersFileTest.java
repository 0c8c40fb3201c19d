package gateway.callers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import gateway.delivery.WebhookSigner;
import gateway.security.ApiKeys;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallersFileTest {

    static final String KEY_1 = "crm-key-1-0123456789abcdef";
    static final String KEY_2 = "crm-key-2-0123456789abcdef";
    static final String ZAP_KEY = "zap-key-1-0123456789abcdef";
    static final String SETTINGS_KEY = "ops-key-1-0123456789abcdef";
    static final String SECRET_1 = WebhookSigner.generateSecret();
    static final String SECRET_2 = WebhookSigner.generateSecret();
    static final String OWN_SECRET = WebhookSigner.generateSecret();
    static final String TOKEN = "Bearer receiver-token-abcdef";

    static final CallersFile.Rules PROD = new CallersFile.Rules(false, ApiKeys.parse("ops:" + SETTINGS_KEY), "signed");
    static final CallersFile.Rules DEV = new CallersFile.Rules(true, ApiKeys.none(), null);

    /** A valid file: crm with two endpoints and callback URLs, zap with one default-named endpoint. */
    static String valid() {
        return """
                callers:
                  - name: crm
                    api_keys: ["%s", "%s"]
                    signing_secrets: ["%s", "%s"]
                    webhooks:
                      - name: answers
                        url: https://crm.example.com/hooks/answers?token=abc
                        events: [query.answered, query.failed]
                        headers: {Authorization: "%s", X-Tenant: eu-1}
                      - url: https://audit.crm.example.com/failures
                        events: [query.failed]
                        signing_secrets: ["%s"]
                    callback_urls: ["https://*.crm.example.com/hooks/*"]
                  - name: zap
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    webhooks:
                      - url: https://hooks.zapier.example.com/catch/1/
                """.formatted(KEY_1, KEY_2, SECRET_1, SECRET_2, TOKEN, OWN_SECRET, ZAP_KEY, SECRET_1);
    }

    /** One caller 'crm' with the given YAML lines (4-space indented fields) after its name. */
    static String crm(String fields) {
        return "callers:\n  - name: crm\n" + fields.stripTrailing().lines().map(l -> "    " + l).reduce("", (a, l) -> a + l + "\n");
    }

    static String keysAndSecrets() {
        return "api_keys: [\"" + KEY_1 + "\"]\nsigning_secrets: [\"" + SECRET_1 + "\"]\n";
    }

    static final String ONE_WEBHOOK = "webhooks:\n  - url: https://crm.example.com/hooks\n";

    @Test
    void aCompleteFile() {
        List<Caller> callers = CallersFile.parse(valid(), PROD);
        assertThat(callers).extracting(Caller::name).containsExactly("crm", "zap");

        Caller crm = callers.get(0);
        assertThat(crm.apiKeyCount()).isEqualTo(2);
        assertThat(crm.signingSecretCount()).isEqualTo(2);
        assertThat(crm.webhooks()).extracting(CallerWebhook::name).containsExactly("answers", "webhook-2");
        CallerWebhook answers = crm.webhook("answers").orElseThrow();
        assertThat(answers.url()).isEqualTo(URI.create("https://crm.example.com/hooks/answers?token=abc"));
        assertThat(answers.events()).containsExactlyInAnyOrder("query.answered", "query.failed");
        assertThat(answers.headers()).containsExactly(
                java.util.Map.entry("Authorization", TOKEN), java.util.Map.entry("X-Tenant", "eu-1"));
        assertThat(answers.signer()).isSameAs(crm.signer());
        assertThat(answers.ownSigningSecrets()).isZero();
        CallerWebhook audit = crm.webhook("webhook-2").orElseThrow();
        assertThat(audit.ownSigningSecrets()).isEqualTo(1);
        assertThat(audit.signer()).isNotSameAs(crm.signer());
        assertThat(crm.webhook("nope")).isEmpty();

        assertThat(crm.webhooksFor("query.answered")).containsExactly(answers);
        assertThat(crm.webhooksFor("query.failed")).containsExactly(answers, audit);
        assertThat(crm.allowsCallback(URI.create("https://eu.crm.example.com/hooks/x"))).isTrue();
        assertThat(crm.allowsCallback(URI.create("https://crm.example.com/hooks/x"))).isFalse();

        Caller zap = callers.get(1);
        assertThat(zap.webhooks()).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("webhook-1");
            assertThat(w.events()).isEqualTo(CallerWebhook.EVENT_TYPES);
            assertThat(w.headers()).isEmpty();
        });
        assertThat(zap.callbackUrls()).isEmpty();
        assertThat(zap.allowsCallback(URI.create("https://hooks.zapier.example.com/catch/1/"))).isFalse();
    }

    @Test
    void theOwnSecretsSignInsteadOfTheCallers() {
        Caller crm = CallersFile.parse(valid(), PROD).get(0);
        String body = "{\"a\":1}";
        long now = System.currentTimeMillis() / 1000;
        String audit = crm.webhook("webhook-2").orElseThrow().signer().sign("msg_1", now, body);
        assertThat(new WebhookSigner(OWN_SECRET).check("msg_1", Long.toString(now), body, audit).isValid()).isTrue();
        assertThat(new WebhookSigner(SECRET_1).check("msg_1", Long.toString(now), body, audit).isValid()).isFalse();
    }

    @Test
    void toStringsShowNoKeySecretOrHeaderValue() {
        Caller crm = CallersFile.parse(valid(), PROD).get(0);
        String shown = crm + " " + crm.webhooks();
        assertThat(shown).contains("crm", "answers", "Authorization", "https://crm.example.com/hooks/answers")
                .doesNotContain(KEY_1, KEY_2, SECRET_1, SECRET_2, OWN_SECRET, TOKEN, "receiver-token", "token=abc");
    }

    @Test
    void theExampleFileParses() throws IOException {
        String example;
        try (InputStream in = getClass().getResourceAsStream("/callers-example.yaml")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Caller> callers = CallersFile.parse(example, new CallersFile.Rules(false, ApiKeys.none(), "signed"));
        assertThat(callers).extracting(Caller::name).containsExactly("crm", "zap", "sched");
        assertThat(callers.get(0).apiKeyCount()).isEqualTo(2);
        assertThat(callers.get(0).signingSecretCount()).isEqualTo(2);
        assertThat(callers.get(2).webhooks()).isEmpty();
        assertThat(callers.get(2).allowsCallback(URI.create("https://jobs.example.org:8443/gateway/answer"))).isTrue();
        Callers snapshot = Callers.of(ApiKeys.none(), callers);
        assertThat(snapshot.callerFor("example-crm-key-2-not-a-real-key")).hasValue("crm");
        assertThat(snapshot.callerFor("example-sched-key-1-not-a-real-key")).hasValue("sched");
    }

    @Test
    void anEmptyListOfCallers() {
        assertThat(CallersFile.parse("callers: []\n", PROD)).isEmpty();
    }

    // --- the file as a whole

    @Test
    void theFileMustHaveACallersList() {
        fails("", PROD).hasMessage("CALLERS_FILE: callers: missing (the file is empty)");
        fails("# nothing\n", PROD).hasMessage("CALLERS_FILE: callers: missing (the file is empty)");
        fails("- a\n- b\n", PROD).hasMessage("CALLERS_FILE: must be a map with a 'callers' list");
        fails("callers: {name: crm}\n", PROD).hasMessage("CALLERS_FILE: callers: must be a list of callers");
        fails("callers:\n", PROD).hasMessage("CALLERS_FILE: callers: must be a list of callers");
        fails("caller: []\n", PROD).hasMessage("CALLERS_FILE: unknown field 'caller' (known: callers)");
    }

    @Test
    void malformedYamlIsNamedByLineAndColumnWithoutContent() {
        String broken = "callers:\n  - name: crm\n    api_keys: [\"" + KEY_1 + "\"\n    signing_secrets: [x]\n";
        fails(broken, PROD).message().matches("CALLERS_FILE: not valid YAML at line \\d+, column \\d+").doesNotContain(KEY_1);
        String tab = "callers:\n\t- name: " + KEY_1 + "\n";
        fails(tab, PROD).message().startsWith("CALLERS_FILE: not valid YAML at line 2, column").doesNotContain(KEY_1);
        fails("callers: []\n---\ncallers: []\n", PROD).hasMessage("CALLERS_FILE: more than one YAML document at line 3, column 1");
    }

    @Test
    void aliasesAreRefusedRatherThanReadAsText() {
        String aliased = crm("api_keys: &keys [\"" + KEY_1 + "\"]\nsigning_secrets: [\"" + SECRET_1 + "\"]\n"
                + "webhooks:\n  - url: &u https://crm.example.com/hooks\n  - url: *u\n    name: second\n");
        fails(aliased, PROD).hasMessage("CALLERS_FILE: YAML aliases (*name) are not supported at line 7, column 14");
    }

    @Test
    void aRepeatedFieldIsAnError() {
        String twice = crm(keysAndSecrets() + "api_keys: [\"" + KEY_2 + "\"]\n" + ONE_WEBHOOK);
        fails(twice, PROD).message().startsWith("CALLERS_FILE: a field appears twice in one map at line 5")
                .doesNotContain(KEY_1).doesNotContain(KEY_2);
    }

    // --- a caller

    @Test
    void aCallerIsAMapWithAValidUniqueName() {
        fails("callers:\n  - crm\n", PROD).message().startsWith("CALLERS_FILE: caller #1: must be a map of name, api_keys");
        fails("callers:\n  - api_keys: [\"" + KEY_1 + "\"]\n", PROD).hasMessage("CALLERS_FILE: caller #1: name: missing");
        fails("callers:\n  - name: 'a b'\n", PROD).hasMessage(
                "CALLERS_FILE: caller #1: name: must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        fails("callers:\n  - name: 12\n", PROD).message().startsWith("CALLERS_FILE: caller #1: name: must be");
        String two = valid() + "  - name: crm\n";
        fails(two, PROD).hasMessage("CALLERS_FILE: caller #3: name: 'crm' is already the name of another caller in the file");
        fails(crm(keysAndSecrets() + ONE_WEBHOOK).replace("name: crm", "name: ops"), PROD)
                .hasMessage("CALLERS_FILE: caller #1: name: 'ops' is already a caller of GATEWAY_API_KEYS");
        fails(crm(keysAndSecrets() + ONE_WEBHOOK).replace("name: crm", "name: signed"), PROD)
                .hasMessage("CALLERS_FILE: caller #1: name: 'signed' is the caller of inbound signatures (INBOUND_SIGNING_CALLER)");
        assertThat(CallersFile.parse(crm(keysAndSecrets() + ONE_WEBHOOK).replace("name: crm", "name: signed"), DEV)).hasSize(1);
        fails(crm(keysAndSecrets() + ONE_WEBHOOK).replace("name: crm", "name: default"), PROD)
                .message().startsWith("CALLERS_FILE: caller #1: name: 'default' is reserved");
    }

    @Test
    void anUnknownFieldIsNamed() {
        fails(crm(keysAndSecrets() + "webhook:\n  - url: https://crm.example.com/hooks\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': unknown field 'webhook' (known: name, api_keys, signing_secrets, webhooks, callback_urls)");
        fails(crm(keysAndSecrets() + ONE_WEBHOOK + "\"" + KEY_2 + " x\": 1\n"), PROD)
                .message().startsWith("CALLERS_FILE: caller 'crm': an unknown field (known:").doesNotContain(KEY_2);
    }

    @Test
    void apiKeys() {
        fails(crm("signing_secrets: [\"" + SECRET_1 + "\"]\n" + ONE_WEBHOOK), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys: missing");
        fails(crm("api_keys: []\n"), PROD).hasMessage("CALLERS_FILE: caller 'crm': api_keys: must be a non-empty list of keys");
        fails(crm("api_keys: \"" + KEY_1 + "\"\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys: must be a non-empty list of keys").message().doesNotContain(KEY_1);
        fails(crm("api_keys: [1234567890123456789012]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys[1]: must be a string (quote it)");
        fails(crm("api_keys: [\"" + KEY_1 + "\", \"short-key\"]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys[2]: must be at least 16 characters with no spaces or control characters")
                .message().doesNotContain("short-key");
        fails(crm("api_keys: [\"" + KEY_1 + " with space\"]\n"), PROD).message()
                .contains("api_keys[1]: must be at least 16").doesNotContain(KEY_1);
        fails(crm("api_keys: [\"" + KEY_1 + "\", \"" + KEY_1 + "\"]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys[2]: repeats the key of caller 'crm' api_keys[1]");
        fails(crm("api_keys: [\"" + SETTINGS_KEY + "\"]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': api_keys[1]: repeats a key of caller 'ops' in GATEWAY_API_KEYS")
                .message().doesNotContain(SETTINGS_KEY);
        String zapWithCrmsKey = valid().replace("api_keys: [\"" + ZAP_KEY + "\"]", "api_keys: [\"" + KEY_2 + "\"]");
        fails(zapWithCrmsKey, PROD)
                .hasMessage("CALLERS_FILE: caller 'zap': api_keys[1]: repeats the key of caller 'crm' api_keys[2]");
    }

    @Test
    void signingSecrets() {
        String keys = "api_keys: [\"" + KEY_1 + "\"]\n";
        fails(crm(keys + ONE_WEBHOOK), PROD).hasMessage("CALLERS_FILE: caller 'crm': signing_secrets: missing");
        fails(crm(keys + "signing_secrets: []\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': signing_secrets: must be a non-empty list of secrets (whsec_<base64>)");
        String notBase64 = "whsec_not*base64!0123456789012345678901234567890";
        fails(crm(keys + "signing_secrets: [\"" + SECRET_1 + "\", \"" + notBase64 + "\"]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': signing_secrets[2]: must be whsec_<base64> (or the bare base64)")
                .message().doesNotContain(notBase64).doesNotContain(SECRET_1);
        String tooShort = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[16]);
        fails(crm(keys + "signing_secrets: [\"" + tooShort + "\"]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': signing_secrets[1]: decodes to 16 bytes; a secret must have 24 to 64 (Standard Webhooks)");
        String tooLong = java.util.Base64.getEncoder().encodeToString(new byte[65]);
        fails(crm(keys + "signing_secrets: [\"" + tooLong + "\"]\n"), PROD).message().contains("decodes to 65 bytes");
        String bare = java.util.Base64.getEncoder().encodeToString(new byte[24]);
        assertThat(CallersFile.parse(crm(keys + "signing_secrets: [\"" + bare + "\"]\n" + ONE_WEBHOOK), PROD)).hasSize(1);
    }

    @Test
    void aCallerWhoseAnswersWouldGoNowhere() {
        fails(crm(keysAndSecrets()), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks: none and no callback_urls: its answers would go nowhere");
        fails(crm(keysAndSecrets() + "webhooks: []\ncallback_urls: []\n"), PROD).message().endsWith("its answers would go nowhere");
        assertThat(CallersFile.parse(crm(keysAndSecrets() + "callback_urls: [\"https://crm.example.com/cb/*\"]\n"), PROD)).hasSize(1);
    }

    // --- webhooks

    @Test
    void webhooksAreAListOfMapsWithKnownFields() {
        fails(crm(keysAndSecrets() + "webhooks: https://crm.example.com/hooks\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks: must be a list of endpoints");
        fails(crm(keysAndSecrets() + "webhooks:\n  - https://crm.example.com/hooks\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[1]: must be a map of name, type, url, topic_arn, event_bus, source, events, headers, signing_secrets, max_per_second");
        fails(crm(keysAndSecrets() + "webhooks:\n  - url: https://crm.example.com/hooks\n    event: [query.failed]\n"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[1]: unknown field 'event' (known: name, type, url, topic_arn, event_bus, source, events, headers, signing_secrets, max_per_second)");
    }

    @Test
    void webhookUrls() {
        fails(webhook("name: answers"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: missing");
        fails(webhook("url: /hooks/answers"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL");
        fails(webhook("url: 'https://crm.example.com/a b'"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL");
        fails(webhook("url: ftp://crm.example.com/x"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL");
        fails(webhook("url: mailto:a@crm.example.com"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL");
        fails(webhook("url: http://crm.example.com/x"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL (http needs ALLOW_INSECURE_WEBHOOK_URL=true)");
        assertThat(CallersFile.parse(webhook("url: http://localhost:9000/x").replace(KEY_1, KEY_2), DEV)).hasSize(1);
        fails(webhook("url: 'https://user:secret-pw@crm.example.com/x'"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].url: must have no user info (send credentials in headers)")
                .message().doesNotContain("secret-pw");
        fails(webhook("url: 'https:///x'"), PROD).message().startsWith("CALLERS_FILE: caller 'crm': webhooks[2].url: must");
        fails(webhook("url: 'https://crm_x.example.com/x'"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must have a host name");
        fails(webhook("url: 'https://crm.example.com/x#frag'"), PROD).hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].url: must have no fragment");
        fails(webhook("url: 'https://crm.example.com/x?token=tok-123'\n  name: 'Bad Name'"), PROD).message().doesNotContain("tok-123");
    }

    @Test
    void webhookNames() {
        fails(webhook("url: https://crm.example.com/x\n  name: Answers"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].name: must be 1-32 lower-case letters, digits, '_' or '-', starting with a letter or digit");
        fails(webhook("url: https://crm.example.com/x\n  name: " + "a".repeat(33)), PROD).message().contains("webhooks[2].name: must be 1-32");
        fails(webhook("url: https://crm.example.com/x\n  name: callback"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].name: 'callback' is reserved (the label of other delivery targets)");
        fails(webhook("url: https://crm.example.com/x\n  name: default"), PROD).message().contains("'default' is reserved");
        fails(webhook("url: https://crm.example.com/x\n  name: webhook-1"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].name: 'webhook-1' is already the name of webhooks[1]");
        String clash = crm(keysAndSecrets() + "webhooks:\n  - url: https://a.example.com/x\n    name: webhook-2\n  - url: https://b.example.com/x\n");
        fails(clash, PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].name: 'webhook-2' is already the name of webhooks[1] (give this one a name)");
    }

    @Test
    void maxPerSecondIsAWholeNumberFromOneToTenThousand() {
        assertThat(CallersFile.parse(webhook("url: https://crm.example.com/x\n  max_per_second: 5"), PROD).get(0)
                .webhooks().get(1).maxPerSecond()).isEqualTo(5);
        assertThat(CallersFile.parse(webhook("url: https://crm.example.com/x"), PROD).get(0).webhooks().get(1).maxPerSecond()).isNull();
        for (String bad : new String[] {"0", "10001", "2.5", "fast", "-1"}) {
            fails(webhook("url: https://crm.example.com/x\n  max_per_second: " + bad), PROD).hasMessage(
                    "CALLERS_FILE: caller 'crm': webhooks[2].max_per_second: must be a whole number from 1 to 10000 (deliveries per second)");
        }
    }

    @Test
    void webhookEvents() {
        fails(webhook("url: https://crm.example.com/x\n  events: []"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].events: must be a non-empty list of endpoint.paused, endpoint.resumed, query.answered, query.cancelled, query.failed, query.progress, query.started (leave it out for query.answered, query.failed and query.cancelled)");
        fails(webhook("url: https://crm.example.com/x\n  events: query.failed"), PROD).message().contains("webhooks[2].events: must be a non-empty list");
        fails(webhook("url: https://crm.example.com/x\n  events: [query.failed, query.answerd]"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].events[2]: 'query.answerd' is not an event type (endpoint.paused, endpoint.resumed, query.answered, query.cancelled, query.failed, query.progress, query.started)");
        assertThat(CallersFile.parse(webhook("url: https://crm.example.com/x\n  events: [query.cancelled]"), PROD).get(0)
                .webhooks().get(1).events()).containsExactly("query.cancelled");
        assertThat(CallersFile.parse(webhook("url: https://crm.example.com/x"), PROD).get(0).webhooks().get(1).events())
                .as("without events: the answers' events, not the endpoint's health").containsExactlyInAnyOrder(
                        "query.answered", "query.failed", "query.cancelled");
        Caller crm = CallersFile.parse(webhook("url: https://crm.example.com/x\n  events: [query.failed, query.failed]"), PROD).get(0);
        assertThat(crm.webhooks().get(1).events()).containsExactly("query.failed");
        assertThat(crm.webhooks().get(1).accepts("query.answered")).isFalse();
    }

    @Test
    void webhookHeaders() {
        String url = "url: https://crm.example.com/x\n  headers: ";
        fails(webhook(url + "[Authorization]"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers: must be a map of header names to values");
        fails(webhook(url + "{\"Bad Name\": x, X-Ok: y}"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers (entry #1): the name is not an HTTP header name");
        fails(webhook(url + "{X-Count: 5}"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers.X-Count: the value must be a string (quote it)");
        fails(webhook(url + "{Authorization: \"Bearer tok-123\\r\\nX-Evil: 1\"}"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers.Authorization: the value must not contain CR, LF, NUL or other control characters")
                .message().doesNotContain("tok-123");
        fails(webhook(url + "{X-A: \"a\\0b\"}"), PROD).message().contains("headers.X-A: the value must not contain");
        fails(webhook(url + "{X-A: \"a\\nb\"}"), PROD).message().contains("headers.X-A: the value must not contain");
        fails(webhook(url + "{Authorization: a-token-1, authorization: a-token-2}"), PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers.authorization: repeats webhooks[2].headers.Authorization (header names are case-insensitive)")
                .message().doesNotContain("a-token");
        for (String reserved : List.of("webhook-id", "Webhook-Timestamp", "webhook-signature", "Content-Type", "content-length",
                "Host", "transfer-encoding", "Connection", "X-Tracking-ID", "x-webhook-source")) {
            fails(webhook(url + "{" + reserved + ": x}"), PROD)
                    .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers." + reserved + ": is set by the gateway and cannot be configured");
        }
        for (String reserved : List.of("Content-Encoding", "TE", "trailer", "Upgrade", "keep-alive", "Expect")) {
            fails(webhook(url + "{" + reserved + ": x}"), PROD)
                    .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers." + reserved + ": is set by the gateway and cannot be configured");
        }
        // Camel's own headers drive the http producer (CamelHttpUri would redirect the endpoint): refused in any case
        for (String internal : List.of("CamelHttpUri", "camelhttpuri", "CAMELHTTPPATH", "CamelHttpQuery", "CamelHttpMethod",
                "CamelHttpRawQuery", "Camel-Anything", "org.apache.camel.Foo")) {
            fails(webhook(url + "{" + internal + ": \"http://attacker.example/\"}"), PROD)
                    .hasMessage("CALLERS_FILE: caller 'crm': webhooks[2].headers." + internal
                            + ": is an internal (Camel) header name and cannot be configured")
                    .message().doesNotContain("attacker");
        }
        assertThat(CallersFile.parse(webhook(url + "{X-A: \"tab\\there\"}"), PROD).get(0).webhooks().get(1).headers())
                .containsEntry("X-A", "tab\there");
    }

    @Test
    void webhookSigningSecrets() {
        fails(webhook("url: https://crm.example.com/x\n  signing_secrets: []"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].signing_secrets: must be a non-empty list of secrets (whsec_<base64>)");
        fails(webhook("url: https://crm.example.com/x\n  signing_secrets: [\"" + SECRET_2 + "\", \"whsec_AAAA\"]"), PROD).hasMessage(
                "CALLERS_FILE: caller 'crm': webhooks[2].signing_secrets[2]: decodes to 3 bytes; a secret must have 24 to 64 (Standard Webhooks)")
                .message().doesNotContain(SECRET_2);
    }

    // --- callback_urls

    @Test
    void callbackUrls() {
        String base = crm(keysAndSecrets() + ONE_WEBHOOK);
        fails(base + "    callback_urls: https://crm.example.com/cb/*\n", PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': callback_urls: must be a list of URL patterns");
        fails(base + "    callback_urls: [\"https://crm.example.com/cb/*\", \"http://crm.example.com/cb/*\"]\n", PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': callback_urls[2]: must be an https URL pattern (http needs ALLOW_INSECURE_WEBHOOK_URL=true)");
        fails(base + "    callback_urls: [\"https://crm.example.com/cb?token=x\"]\n", PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': callback_urls[1]: must have no query or fragment");
        fails(base + "    callback_urls: [\"https://api-*.example.com/cb\"]\n", PROD)
                .hasMessage("CALLERS_FILE: caller 'crm': callback_urls[1]: may have '*' only as the whole host or as its first label (*.domain)");
        fails(base + "    callback_urls: [42]\n", PROD).hasMessage("CALLERS_FILE: caller 'crm': callback_urls[1]: must be a string (quote it)");
        Caller dev = CallersFile.parse(base.replace(KEY_1, KEY_2) + "    callback_urls: [\"http://localhost:9000/cb/*\"]\n", DEV).get(0);
        assertThat(dev.allowsCallback(URI.create("http://localhost:9000/cb/1"))).isTrue();
    }

    @Test
    void noMessageEverQuotesAKeyOrSecret() {
        String file = valid();
        String[] breakages = {
                file.replace("name: answers", "name: Answers"),
                file.replace("events: [query.failed]", "events: [nope]"),
                file.replace("X-Tenant", "Host"),
                file.replace("hooks.zapier.example.com", "user:pw@hooks.zapier.example.com"),
                file.replace("callback_urls: [\"https://*.crm.example.com/hooks/*\"]", "callback_urls: [\"https://*.crm.example.com/a/*/b\"]"),
                file.replace("signing_secrets: [\"" + OWN_SECRET + "\"]", "signing_secrets: [\"" + OWN_SECRET + "x\"]"),
                file.replace("api_keys: [\"" + ZAP_KEY + "\"]", "api_keys: [\"" + KEY_1 + "\"]"),
                file.replace("api_keys: [\"" + ZAP_KEY + "\"]", "api_keys: [\"" + SETTINGS_KEY + "\"]"),
                file.replace("\"" + KEY_2 + "\"]", "\"" + KEY_2 + "\""),
        };
        for (String broken : breakages) {
            fails(broken, PROD).message().startsWith("CALLERS_FILE: ").doesNotContain("\n")
                    .doesNotContain(KEY_1).doesNotContain(KEY_2).doesNotContain(ZAP_KEY).doesNotContain(SETTINGS_KEY)
                    .doesNotContain(SECRET_1).doesNotContain(SECRET_2).doesNotContain(OWN_SECRET).doesNotContain(TOKEN);
        }
    }

    /** crm with one valid webhook, then a second one with the given fields (2-space indented after "- "). */
    private static String webhook(String fields) {
        return crm(keysAndSecrets() + ONE_WEBHOOK + "  - " + fields.replace("\n", "\n  ") + "\n");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> fails(String yaml, CallersFile.Rules rules) {
        return assertThatThrownBy(() -> CallersFile.parse(yaml, rules)).isInstanceOf(IllegalArgumentException.class);
    }
}
