package gateway.callers;

import java.net.URI;
import java.util.List;

import gateway.delivery.WebhookSigner;
import gateway.security.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code type} of an endpoint in CALLERS_FILE: each type's keys, its rules and every refusal. */
class CallersFileTypesTest {

    static final String KEY = "crm-key-1-0123456789abcdef";
    static final String SECRET = WebhookSigner.generateSecret();
    static final String OWN_SECRET = WebhookSigner.generateSecret();
    static final String SLACK_URL = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
    static final String TEAMS_URL = "https://prod-00.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
            + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGNATURE";

    /** Production: https only, chat on the services' hosts. */
    static final CallersFile.Rules PROD = new CallersFile.Rules(false, ApiKeys.none(), null);
    /** ALLOW_INSECURE_WEBHOOK_URL (or a dev profile), chat hosts still fixed. */
    static final CallersFile.Rules HTTP = new CallersFile.Rules(true, ApiKeys.none(), null);
    /** CHAT_ALLOW_ANY_HOST=true in production. */
    static final CallersFile.Rules ANY_HOST = new CallersFile.Rules(false, ApiKeys.none(), null, true);

    /** Caller 'crm' with one endpoint of the given YAML lines (each a field of the endpoint). */
    static String endpoint(String fields) {
        StringBuilder yaml = new StringBuilder("callers:\n  - name: crm\n    api_keys: [\"" + KEY + "\"]\n    signing_secrets: [\""
                + SECRET + "\"]\n    webhooks:\n");
        boolean first = true;
        for (String line : fields.strip().split("\n")) {
            yaml.append(first ? "      - " : "        ").append(line.strip()).append('\n');
            first = false;
        }
        return yaml.toString();
    }

    static CallerWebhook only(String fields, CallersFile.Rules rules) {
        List<Caller> callers = CallersFile.parse(endpoint(fields), rules);
        return callers.get(0).webhooks().get(0);
    }

    static void refused(String fields, CallersFile.Rules rules, String... phrases) {
        assertThatThrownBy(() -> CallersFile.parse(endpoint(fields), rules))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CALLERS_FILE: caller 'crm': webhooks[1].")
                .hasMessageContainingAll(phrases)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("XXXXXXXXXXXX", "SIGNATURE", "services/T0000"));
    }

    @Test
    void withoutATypeAnEndpointIsAWebhookAsBefore() {
        CallerWebhook webhook = only("name: answers\nurl: https://crm.example.com/hooks?token=abc", PROD);
        assertThat(webhook.type()).isEqualTo(EndpointType.WEBHOOK);
        assertThat(webhook.url()).isEqualTo(URI.create("https://crm.example.com/hooks?token=abc"));
        assertThat(webhook.destination()).isNull();
        assertThat(webhook.shownUrl()).isEqualTo("https://crm.example.com/hooks");
        assertThat(webhook.targetUrl()).isEqualTo("https://crm.example.com/hooks?token=abc");
        assertThat(only("type: webhook\nurl: https://crm.example.com/hooks", PROD).type()).isEqualTo(EndpointType.WEBHOOK);
    }

    @Test
    void anUnknownTypeIsRefusedListingTheTypes() {
        refused("type: slak\nurl: " + SLACK_URL, PROD, "webhooks[1].type: 'slak' is not an endpoint type",
                "webhook, slack, teams, sqs, sns, eventbridge");
        refused("type: Slack\nurl: " + SLACK_URL, PROD, ".type: 'Slack' is not an endpoint type");
        refused("type: 3\nurl: " + SLACK_URL, PROD, ".type: must be a string");
    }

    @Test
    void slackOnItsOwnHostsItsUrlNeverShown() {
        CallerWebhook slack = only("name: team-channel\ntype: slack\nurl: " + SLACK_URL, PROD);
        assertThat(slack.type()).isEqualTo(EndpointType.SLACK);
        assertThat(slack.url()).isEqualTo(URI.create(SLACK_URL));
        assertThat(slack.events()).isEqualTo(CallerWebhook.EVENT_TYPES);
        assertThat(slack.shownUrl()).isEqualTo("https://hooks.slack.com/…");
        assertThat(slack.targetUrl()).isEqualTo("https://hooks.slack.com/…");
        assertThat(slack.toString()).doesNotContain("services", "XXXX").contains("type=slack");
        assertThat(only("type: slack\nurl: https://hooks.slack-gov.com/services/T1/B1/YYYY", PROD).shownUrl())
                .isEqualTo("https://hooks.slack-gov.com/…");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.slack.com.evil.example/services/T/B/X", "https://evil.example/hooks.slack.com/x",
            "https://slack.com/services/T/B/X", "https://hooks.slack.com:8443/services/T/B/X",
            "https://prod-00.westeurope.logic.azure.com/workflows/x"})
    void slackElsewhereIsRefusedWithoutTheSetting(String url) {
        refused("type: slack\nurl: " + url, PROD, "webhooks[1].url: must be an https URL on hooks.slack-gov.com or hooks.slack.com",
                "CHAT_ALLOW_ANY_HOST=true");
        assertThat(only("type: slack\nurl: " + url, ANY_HOST).type()).isEqualTo(EndpointType.SLACK);
    }

    @Test
    void slackOverHttpIsRefusedEvenOnItsHostAndWithTheSettingNeedsInsecureUrls() {
        refused("type: slack\nurl: http://hooks.slack.com/services/T/B/X", PROD, "must be an absolute https URL");
        refused("type: slack\nurl: http://hooks.slack.com/services/T/B/X", HTTP, "must be an https URL on");
        refused("type: slack\nurl: http://127.0.0.1:8080/slack", ANY_HOST, "http needs ALLOW_INSECURE_WEBHOOK_URL=true");
        CallersFile.Rules local = new CallersFile.Rules(true, ApiKeys.none(), null, true);
        CallerWebhook slack = only("type: slack\nurl: http://127.0.0.1:8080/slack/T1/B1/SECRET", local);
        assertThat(slack.shownUrl()).isEqualTo("http://127.0.0.1:8080/…");
    }

    @ParameterizedTest
    @ValueSource(strings = {TEAMS_URL, "https://default0123.ab.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/1/triggers/manual/paths/invoke?sig=S",
            "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d"})
    void teamsOnTheWorkflowAndConnectorHosts(String url) {
        CallerWebhook teams = only("name: sales-channel\ntype: teams\nurl: " + url, PROD);
        assertThat(teams.type()).isEqualTo(EndpointType.TEAMS);
        assertThat(teams.shownUrl()).startsWith("https://").endsWith("/…").doesNotContain("sig", "workflows", "webhookb2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.slack.com/services/T/B/X", "https://logic.azure.com.evil.example/workflows/1",
            "https://outlook.office.com/webhook/x", "https://evil.example/?h=.webhook.office.com"})
    void teamsElsewhereIsRefusedWithoutTheSetting(String url) {
        refused("type: teams\nurl: " + url, PROD, "webhooks[1].url: must be an https URL on a Teams workflow or connector host",
                "*.logic.azure.com", "CHAT_ALLOW_ANY_HOST=true");
    }

    @Test
    void chatEndpointsTakeNoHeadersNoSecretsNoProgress() {
        refused("type: slack\nurl: " + SLACK_URL + "\nheaders: {X-Team: a}", PROD,
                "webhooks[1].headers: not for a slack endpoint");
        refused("type: teams\nurl: " + TEAMS_URL + "\nsigning_secrets: [\"" + OWN_SECRET + "\"]", PROD,
                "webhooks[1].signing_secrets: not for a teams endpoint");
        refused("type: slack\nurl: " + SLACK_URL + "\nevents: [query.answered, query.progress]", PROD,
                "webhooks[1].events[2]: 'query.progress' is not for a slack endpoint");
        refused("type: teams\nurl: " + TEAMS_URL + "\nevents: [query.started]", PROD,
                "webhooks[1].events[1]: 'query.started' is not for a teams endpoint");
        CallerWebhook notices = only("type: slack\nurl: " + SLACK_URL + "\nevents: [query.failed, endpoint.paused, endpoint.resumed]", PROD);
        assertThat(notices.events()).containsExactlyInAnyOrder("query.failed", "endpoint.paused", "endpoint.resumed");
    }

    @Test
    void urlIsRequiredForHttpTypesAndSqs() {
        for (String type : List.of("webhook", "slack", "teams", "sqs")) {
            refused("name: x\ntype: " + type, PROD, "webhooks[1].url: missing");
        }
    }

    @Test
    void sqsTakesAQueueUrl() {
        CallerWebhook sqs = only("name: ops-queue\ntype: sqs\nurl: https://sqs.eu-west-1.amazonaws.com/123456789012/answers\n"
                + "signing_secrets: [\"" + OWN_SECRET + "\"]", PROD);
        assertThat(sqs.type()).isEqualTo(EndpointType.SQS);
        assertThat(sqs.destination()).isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/answers");
        assertThat(sqs.shownUrl()).isEqualTo(sqs.destination());
        assertThat(sqs.ownSigningSecrets()).isEqualTo(1);
        assertThat(only("type: sqs\nurl: https://sqs.eu-west-1.amazonaws.com/123456789012/answers.fifo", PROD).destination())
                .endsWith("/answers.fifo");
        // ElasticMQ over http: like a webhook, with ALLOW_INSECURE_WEBHOOK_URL
        assertThat(only("type: sqs\nurl: http://localhost:9324/000000000000/answers", HTTP).destination())
                .isEqualTo("http://localhost:9324/000000000000/answers");
        refused("type: sqs\nurl: http://localhost:9324/000000000000/answers", PROD, "http needs ALLOW_INSECURE_WEBHOOK_URL=true");
        for (String bad : List.of("https://sqs.eu-west-1.amazonaws.com/answers", "https://sqs.eu-west-1.amazonaws.com/12345/answers",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/answers?x=1", "https://sqs.eu-west-1.amazonaws.com/123456789012/a/b",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/" + "q".repeat(81))) {
            refused("type: sqs\nurl: " + bad, PROD, "webhooks[1].url: must be an SQS queue URL");
        }
        refused("type: sqs\nurl: https://sqs.eu-west-1.amazonaws.com/123456789012/answers\nheaders: {X-A: b}", PROD,
                "webhooks[1].headers: not for a sqs endpoint");
    }

    @Test
    void snsTakesATopicArnAndNoUrl() {
        CallerWebhook sns = only("name: ops-topic\ntype: sns\ntopic_arn: arn:aws:sns:eu-west-1:123456789012:answers", PROD);
        assertThat(sns.type()).isEqualTo(EndpointType.SNS);
        assertThat(sns.url()).isNull();
        assertThat(sns.destination()).isEqualTo("arn:aws:sns:eu-west-1:123456789012:answers");
        assertThat(sns.shownUrl()).isEqualTo(sns.destination());
        assertThat(sns.targetUrl()).isEqualTo(sns.destination());
        assertThat(sns.toString()).contains("type=sns", "arn:aws:sns");
        assertThat(only("type: sns\ntopic_arn: arn:aws-us-gov:sns:us-gov-west-1:123456789012:answers.fifo", PROD).destination())
                .endsWith("answers.fifo");
        refused("type: sns", PROD, "webhooks[1].topic_arn: missing");
        refused("type: sns\nurl: https://sns.example.com/x\ntopic_arn: arn:aws:sns:eu-west-1:123456789012:answers", PROD,
                "webhooks[1].url: not for a sns endpoint (it is named by topic_arn)");
        for (String bad : List.of("arn:aws:sqs:eu-west-1:123456789012:answers", "arn:aws:sns:eu-west-1:1234:answers",
                "arn:aws:sns:eu-west-1:123456789012:an swers", "answers")) {
            refused("type: sns\ntopic_arn: \"" + bad + "\"", PROD, "webhooks[1].topic_arn: must be an SNS topic ARN");
        }
        // what the delivery could not use is refused at load, not paused on its first send
        refused("type: sns\ntopic_arn: arn:aws:sns:nowhere:123456789012:answers", PROD,
                "webhooks[1].topic_arn: an sns endpoint's topic ARN names no AWS region");
        refused("type: sqs\nurl: https://vpce-1a2b.sqs.eu-west-1.vpce.amazonaws.com/123456789012/answers", PROD,
                "webhooks[1].url: an sqs endpoint's queue URL is not an SQS queue URL of AWS");
        refused("type: sns\ntopic_arn: arn:aws:sns:eu-west-1:123456789012:answers\nheaders: {X-A: b}", PROD,
                "webhooks[1].headers: not for a sns endpoint");
        refused("type: webhook\nurl: https://crm.example.com/h\ntopic_arn: arn:aws:sns:eu-west-1:123456789012:answers", PROD,
                "webhooks[1].topic_arn: only for type sns (this endpoint is webhook)");
    }

    @Test
    void eventBridgeTakesABusAndASource() {
        CallerWebhook bus = only("name: ops-bus\ntype: eventbridge\nevent_bus: answers\nsource: crm.answers", PROD);
        assertThat(bus.type()).isEqualTo(EndpointType.EVENTBRIDGE);
        assertThat(bus.url()).isNull();
        assertThat(bus.destination()).isEqualTo("answers");
        assertThat(bus.eventSource()).isEqualTo("crm.answers");
        assertThat(only("type: eventbridge\nevent_bus: arn:aws:events:eu-west-1:123456789012:event-bus/answers", PROD)
                .eventSource()).isEqualTo(CallersFile.DEFAULT_EVENT_SOURCE);
        refused("type: eventbridge", PROD, "webhooks[1].event_bus: missing");
        refused("type: eventbridge\nurl: https://events.example.com\nevent_bus: answers", PROD,
                "webhooks[1].url: not for a eventbridge endpoint (it is named by event_bus)");
        refused("type: eventbridge\nevent_bus: \"a b\"", PROD, "webhooks[1].event_bus: must be an event bus name");
        refused("type: eventbridge\nevent_bus: " + "b".repeat(257), PROD, "webhooks[1].event_bus: must be an event bus name");
        refused("type: eventbridge\nevent_bus: answers\nsource: aws.crm", PROD, "webhooks[1].source: must not start with 'aws.'");
        refused("type: eventbridge\nevent_bus: answers\nsource: \"crm answers\"", PROD, "webhooks[1].source: must be 1-256");
        refused("type: sns\ntopic_arn: arn:aws:sns:eu-west-1:123456789012:answers\nsource: crm", PROD,
                "webhooks[1].source: only for type eventbridge (this endpoint is sns)");
        refused("type: sqs\nurl: https://sqs.eu-west-1.amazonaws.com/123456789012/answers\nevent_bus: answers", PROD,
                "webhooks[1].event_bus: only for type eventbridge (this endpoint is sqs)");
    }

    @Test
    void theDirectoryViewShowsTypeAndDestination() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("callers", ".yaml");
        try {
            java.nio.file.Files.writeString(file, """
                    callers:
                      - name: crm
                        api_keys: ["%s"]
                        signing_secrets: ["%s"]
                        webhooks:
                          - name: answers
                            url: https://crm.example.com/hooks
                          - name: team-channel
                            type: slack
                            url: %s
                          - name: ops-topic
                            type: sns
                            topic_arn: arn:aws:sns:eu-west-1:123456789012:answers
                          - name: ops-bus
                            type: eventbridge
                            event_bus: answers
                    """.formatted(KEY, SECRET, SLACK_URL));
            CallerDirectory directory = new CallerDirectory(file, PROD, false,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            directory.load();
            String view = directory.describe().toString();
            assertThat(view).contains("\"type\":\"webhook\"", "\"type\":\"slack\"", "\"url\":\"https://hooks.slack.com/…\"",
                    "\"type\":\"sns\"", "\"destination\":\"arn:aws:sns:eu-west-1:123456789012:answers\"",
                    "\"type\":\"eventbridge\"", "\"destination\":\"answers\"", "\"source\":\"ai-webhook-gateway\"")
                    .doesNotContain("XXXXXXXX", "services/T0000");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
