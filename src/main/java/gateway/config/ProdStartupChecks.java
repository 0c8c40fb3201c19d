package gateway.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    @PropertyInject(value = "gateway.queue.requests", defaultValue = "")
    private String requestsQueue;
    @PropertyInject(value = "gateway.queue.deliveries", defaultValue = "")
    private String deliveriesQueue;

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
        ProfileSettings profile = context.getRegistry().findSingleByType(ProfileSettings.class);
        if (!profile.prodChecks()) {
            return;
        }
        AuthSettings auth = context.getRegistry().findSingleByType(AuthSettings.class);
        WebhookSettings webhook = context.getRegistry().findSingleByType(WebhookSettings.class);
        AgentSettings agent = context.getRegistry().findSingleByType(AgentSettings.class);
        boolean authConfigured = auth.settingsCallers() || !auth.callersFile().isBlank();
        List<String> problems = new ArrayList<>(problems(new Settings(authConfigured, auth.authDisabled(), webhook.url(),
                profile.allowInsecureUrls())));
        problems.addAll(missingSettings(Map.of(
                "REQUESTS_QUEUE", requestsQueue, "DELIVERIES_QUEUE", deliveriesQueue, "WEBHOOK_URL", webhook.url(),
                "WEBHOOK_SIGNING_SECRET", webhook.signingSecret().isBlank() ? webhook.signingSecretFile() : "set",
                "BEDROCK_AGENT_ID", agent.agentId(), "BEDROCK_AGENT_ALIAS_ID", agent.aliasId(),
                "KNOWLEDGE_BASE_ID", agent.knowledgeBaseId(), "MODEL_ID", agent.modelId()), agent.mode().strip(),
                agent.allowDraftAlias(), auth.settingsCallers() || auth.authDisabled() || auth.callersFile().isBlank()));
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
