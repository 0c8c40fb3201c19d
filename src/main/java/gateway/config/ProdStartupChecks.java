package gateway.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * What the prod profile refuses to start without (listed first in {@code camel.main.configurationClasses},
 * so it fails before anything else starts): some way to authenticate callers unless {@code AUTH_DISABLED=true}
 * says otherwise, and an {@code https} {@code WEBHOOK_URL} unless {@code ALLOW_INSECURE_WEBHOOK_URL=true}.
 * Each problem is named with the setting that fixes it; no value of a secret is shown.
 */
public class ProdStartupChecks implements CamelConfiguration {

    @PropertyInject(value = "gateway.startup.prod-checks", defaultValue = "false")
    private boolean enabled;
    @PropertyInject(value = "gateway.api-keys.secret", defaultValue = "")
    private String apiKeys;
    @PropertyInject(value = "gateway.api-keys.file", defaultValue = "")
    private String apiKeysFile;
    @PropertyInject(value = "gateway.inbound-signing.secret", defaultValue = "")
    private String inboundSecret;
    @PropertyInject(value = "gateway.inbound-signing.file", defaultValue = "")
    private String inboundSecretFile;
    @PropertyInject(value = "gateway.security.auth-disabled", defaultValue = "false")
    private boolean authDisabled;
    @PropertyInject(value = "gateway.callers.file", defaultValue = "")
    private String callersFile;
    @PropertyInject(value = "gateway.webhook.url", defaultValue = "")
    private String webhookUrl;
    @PropertyInject(value = "gateway.webhook.allow-insecure-url", defaultValue = "false")
    private boolean allowInsecureWebhookUrl;

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
    @PropertyInject(value = "gateway.queue.requests", defaultValue = "")
    private String requestsQueue;
    @PropertyInject(value = "gateway.queue.deliveries", defaultValue = "")
    private String deliveriesQueue;
    @PropertyInject(value = "gateway.webhook.signing.secret", defaultValue = "")
    private String signingSecret;
    @PropertyInject(value = "gateway.webhook.signing.file", defaultValue = "")
    private String signingSecretFile;

    /** The draft alias every agent has; the original ran production on it. */
    public static final String DRAFT_ALIAS = "TSTALIASID";

    /** Required settings of the flow, by environment variable name (blank = missing). */
    public static List<String> missingSettings(Map<String, String> settings, String agentMode, boolean allowDraftAlias) {
        return missingSettings(settings, agentMode, allowDraftAlias, true);
    }

    /**
     * As above; {@code defaultTargetUsed} false when every caller comes from {@code CALLERS_FILE} (no GATEWAY_API_KEYS,
     * no inbound signatures, authentication on): then nothing is delivered to WEBHOOK_URL, which may stay unset.
     */
    public static List<String> missingSettings(Map<String, String> settings, String agentMode, boolean allowDraftAlias,
            boolean defaultTargetUsed) {
        List<String> problems = new ArrayList<>();
        List<String> required = new ArrayList<>(List.of("REQUESTS_QUEUE", "DELIVERIES_QUEUE"));
        if (defaultTargetUsed) {
            required.addAll(List.of("WEBHOOK_URL", "WEBHOOK_SIGNING_SECRET"));
        }
        if ("knowledge-base".equals(agentMode)) {
            required.addAll(List.of("KNOWLEDGE_BASE_ID", "MODEL_ID"));
        } else if ("agent".equals(agentMode)) {
            required.addAll(List.of("BEDROCK_AGENT_ID", "BEDROCK_AGENT_ALIAS_ID"));
        } else {
            problems.add("AGENT_MODE must be agent or knowledge-base");
        }
        for (String name : required) {
            String value = settings.get(name);
            if (value == null || value.isBlank()) {
                problems.add(name + " is not set");
            }
        }
        if ("agent".equals(agentMode) && DRAFT_ALIAS.equals(settings.get("BEDROCK_AGENT_ALIAS_ID")) && !allowDraftAlias) {
            problems.add("BEDROCK_AGENT_ALIAS_ID is the draft alias " + DRAFT_ALIAS
                    + ": use a published alias (or set ALLOW_DRAFT_AGENT_ALIAS=true)");
        }
        return problems;
    }

    /** The settings checked, as plain values (secrets only as "set" or not). */
    public record Settings(boolean authConfigured, boolean authDisabled, String webhookUrl, boolean allowInsecureWebhookUrl) {
    }

    /** Every reason not to start; empty when all is well. */
    public static List<String> problems(Settings settings) {
        List<String> problems = new ArrayList<>();
        if (!settings.authConfigured() && !settings.authDisabled()) {
            problems.add("no API keys configured: set GATEWAY_API_KEYS (or GATEWAY_API_KEYS_FILE), CALLERS_FILE or "
                    + "INBOUND_SIGNING_SECRET (or INBOUND_SIGNING_SECRET_FILE), or set AUTH_DISABLED=true to run without authentication");
        }
        String url = settings.webhookUrl() == null ? "" : settings.webhookUrl().strip();
        if (!url.isEmpty() && !settings.allowInsecureWebhookUrl() && !isHttps(url)) {
            problems.add("WEBHOOK_URL must be an https:// URL (set ALLOW_INSECURE_WEBHOOK_URL=true to allow http)");
        }
        return problems;
    }

    @Override
    public void configure(CamelContext context) {
        if (!enabled) {
            return;
        }
        boolean settingsCallers = !(apiKeys.isBlank() && apiKeysFile.isBlank() && inboundSecret.isBlank() && inboundSecretFile.isBlank());
        boolean authConfigured = settingsCallers || !callersFile.isBlank();
        List<String> problems = new ArrayList<>(problems(new Settings(authConfigured, authDisabled, webhookUrl,
                allowInsecureWebhookUrl)));
        problems.addAll(missingSettings(Map.of(
                "REQUESTS_QUEUE", requestsQueue, "DELIVERIES_QUEUE", deliveriesQueue, "WEBHOOK_URL", webhookUrl,
                "WEBHOOK_SIGNING_SECRET", signingSecret.isBlank() ? signingSecretFile : "set",
                "BEDROCK_AGENT_ID", agentId, "BEDROCK_AGENT_ALIAS_ID", agentAliasId,
                "KNOWLEDGE_BASE_ID", knowledgeBaseId, "MODEL_ID", modelId), agentMode.strip(), allowDraftAlias,
                settingsCallers || authDisabled || callersFile.isBlank()));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Refusing to start (prod profile): " + String.join("; ", problems));
        }
    }

    private static boolean isHttps(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).equals("https") && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
