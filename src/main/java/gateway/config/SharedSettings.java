package gateway.config;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The settings more than one area reads, each injected here once and handed out as a typed record: the profile's rules,
 * who may call, the default receiver, AWS, the agent. The configuration classes take the record they need as a bean
 * (listed first in {@code camel.main.configurationClasses}, after the local profile's stand-ins, which point the
 * endpoint settings at themselves before this reads them). An area's own settings stay in that area's class.
 */
public class SharedSettings implements CamelConfiguration {

    @PropertyInject(value = "gateway.startup.prod-checks", defaultValue = "false")
    private boolean prodChecks;
    @PropertyInject(value = "gateway.webhook.allow-insecure-url", defaultValue = "false")
    private boolean allowInsecureUrls;

    @PropertyInject(value = "gateway.api-keys.secret", defaultValue = "")
    private String apiKeys;
    @PropertyInject(value = "gateway.api-keys.file", defaultValue = "")
    private String apiKeysFile;
    @PropertyInject(value = "gateway.callers.file", defaultValue = "")
    private String callersFile;
    @PropertyInject(value = "gateway.inbound-signing.secret", defaultValue = "")
    private String inboundSecret;
    @PropertyInject(value = "gateway.inbound-signing.file", defaultValue = "")
    private String inboundSecretFile;
    @PropertyInject(value = "gateway.inbound-signing.caller", defaultValue = "signed")
    private String inboundCaller;
    @PropertyInject(value = "gateway.security.auth-disabled", defaultValue = "false")
    private boolean authDisabled;
    // true only in the local profile: with no key setting at all it runs open (the README's first curl)
    @PropertyInject(value = "gateway.security.open-without-keys", defaultValue = "false")
    private boolean openWithoutKeys;

    @PropertyInject(value = "gateway.webhook.url", defaultValue = "")
    private String webhookUrl;
    @PropertyInject(value = "gateway.webhook.signing.secret", defaultValue = "")
    private String signingSecret;
    @PropertyInject(value = "gateway.webhook.signing.file", defaultValue = "")
    private String signingSecretFile;

    @PropertyInject("gateway.aws.region")
    private String region;
    @PropertyInject(value = "gateway.sqs.endpoint", defaultValue = "")
    private String sqsEndpoint;
    @PropertyInject(value = "gateway.s3.endpoint", defaultValue = "")
    private String s3Endpoint;
    @PropertyInject(value = "gateway.agent.endpoint", defaultValue = "")
    private String agentEndpoint;
    @PropertyInject(value = "gateway.aws.local-credentials", defaultValue = "false")
    private boolean localCredentials;
    @PropertyInject("gateway.sqs.max-message-bytes")
    private long sqsMaxMessageBytes;

    @PropertyInject(value = "gateway.agent.mode", defaultValue = "agent")
    private String agentMode;
    @PropertyInject(value = "gateway.agent.id", defaultValue = "")
    private String agentId;
    @PropertyInject(value = "gateway.agent.alias-id", defaultValue = "")
    private String agentAliasId;
    @PropertyInject(value = "gateway.agent.allow-draft-alias", defaultValue = "false")
    private boolean allowDraftAlias;
    @PropertyInject(value = "gateway.agent.knowledge-base-id", defaultValue = "")
    private String knowledgeBaseId;
    @PropertyInject(value = "gateway.agent.model-id", defaultValue = "")
    private String modelId;

    @BindToRegistry("profileSettings")
    public ProfileSettings profileSettings() {
        return new ProfileSettings(prodChecks, allowInsecureUrls);
    }

    @BindToRegistry("authSettings")
    public AuthSettings authSettings() {
        return new AuthSettings(apiKeys, apiKeysFile, callersFile, inboundSecret, inboundSecretFile, inboundCaller, authDisabled,
                openWithoutKeys);
    }

    @BindToRegistry("webhookSettings")
    public WebhookSettings webhookSettings() {
        return new WebhookSettings(webhookUrl, signingSecret, signingSecretFile);
    }

    @BindToRegistry("awsSettings")
    public AwsSettings awsSettings() {
        return new AwsSettings(region, sqsEndpoint, s3Endpoint, agentEndpoint, localCredentials, sqsMaxMessageBytes);
    }

    @BindToRegistry("agentSettings")
    public AgentSettings agentSettings() {
        return new AgentSettings(agentMode, agentId, agentAliasId, allowDraftAlias, knowledgeBaseId, modelId);
    }

    @Override
    public void configure(CamelContext context) {
        // the records above are all this class does
    }
}
