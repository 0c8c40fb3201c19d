package gateway.config;

import java.nio.file.Path;
import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;
import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.Callers;
import gateway.callers.CallersFile;
import gateway.idempotency.S3IdempotencyStore;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.security.AdminAuthenticator;
import gateway.security.ApiKeys;
import gateway.security.AuthenticationPolicy;
import gateway.security.InboundSignatures;
import gateway.security.RateLimiter;
import gateway.security.ReplayClaims;
import gateway.security.RequestAuthenticator;
import gateway.security.SecretSetting;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the gateway: the callers of GATEWAY_API_KEYS and CALLERS_FILE ({@code callers}), API keys and inbound
 * signatures ({@code requestAuthenticator}), the per-caller
 * rate limit ({@code rateLimiter}), and the admin token for management operations
 * ({@code adminAuthenticator}). Secrets come from environment variables or {@code *_FILE} mounts and are
 * never logged: only counts and names are.
 */
public class SecurityConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** Slack and Teams endpoints may have any URL a webhook may have (CHAT_ALLOW_ANY_HOST): local receivers, tests. */
    @PropertyInject(value = "gateway.chat.allow-any-host", defaultValue = "false")
    private boolean chatAllowAnyHost;
    @PropertyInject(value = "gateway.admin.token", defaultValue = "")
    private String adminToken;
    @PropertyInject(value = "gateway.admin.token-file", defaultValue = "")
    private String adminTokenFile;
    @PropertyInject(value = "gateway.admin.open-without-token", defaultValue = "false")
    private boolean adminOpenWithoutToken;
    @PropertyInject("gateway.rate-limit.per-minute")
    private int ratePerMinute;
    @PropertyInject("gateway.rate-limit.burst")
    private int rateBurst;
    @PropertyInject(value = "gateway.rate-limit.max-tracked", defaultValue = "100000")
    private long rateMaxTracked;
    @PropertyInject(value = "gateway.rate-limit.status-per-minute", defaultValue = "1200")
    private int statusPerMinute;
    @PropertyInject(value = "gateway.rate-limit.status-burst", defaultValue = "200")
    private int statusBurst;
    @PropertyInject(value = "gateway.admin.rate-limit.per-minute", defaultValue = "60")
    private int adminPerMinute;
    @PropertyInject(value = "gateway.admin.rate-limit.burst", defaultValue = "20")
    private int adminBurst;

    /** The shortest ADMIN_TOKEN the prod profile takes. */
    static final int MIN_ADMIN_TOKEN_CHARS = 32;

    /** Where the webhook-ids of signed requests are claimed, under {@code S3_PREFIX}. */
    static final String REPLAY_CLAIMS = "inbound-replay/";

    // memoised: configure() below uses the same beans as the registry
    private AuthenticationPolicy policy;
    private CallerDirectory directory;
    private RequestAuthenticator authenticator;
    private RateLimiter limiter;
    private AdminAuthenticator admin;

    /**
     * The callers in force: those of GATEWAY_API_KEYS and of CALLERS_FILE (read now: a bad file stops the start with
     * one line; read again by the callers-reload route).
     */
    @BindToRegistry(value = "callers", lazy = true)
    public synchronized CallerDirectory callers(FlowMetrics metrics, AuthSettings auth, ProfileSettings profile) {
        if (directory == null) {
            ApiKeys keys = ApiKeys.parse(SecretSetting.resolve("GATEWAY_API_KEYS", auth.apiKeys(), auth.apiKeysFile()));
            String inbound = auth.inboundSigningSecret().isEmpty() ? null : auth.inboundCallerName().strip();
            Path file = auth.callersFile().isBlank() ? null : Path.of(auth.callersFile().strip());
            // with keys the only credential, a new version of the file must keep one in force (a reload never opens)
            boolean keysRequired = policy(auth).enforced() && inbound == null;
            CallerDirectory loaded = new CallerDirectory(file, new CallersFile.Rules(profile.httpAllowed(), keys, inbound,
                    chatAllowAnyHost),
                    keysRequired, metrics.registry());
            loaded.load();
            directory = loaded;
        }
        return directory;
    }

    @BindToRegistry(value = "requestAuthenticator", lazy = true)
    public synchronized RequestAuthenticator requestAuthenticator(CallerDirectory callers, S3Bucket bucket, AuthSettings auth) {
        if (authenticator == null) {
            String secret = auth.inboundSigningSecret();
            // the webhook-ids of signed requests are claimed where every replica sees them: a replay is refused by all
            InboundSignatures signatures = secret.isEmpty() ? null : new InboundSignatures(secret, auth.inboundCallerName().strip(),
                    new ReplayClaims(new S3IdempotencyStore(bucket, REPLAY_CLAIMS), InboundSignatures.replayWindow(), Clock.systemUTC()));
            Callers now = callers.current();
            int keys = now.settingsKeys().size() + now.fileCallers().stream().mapToInt(Caller::apiKeyCount).sum();
            // decided once, here: no reload of the keys can change it (an enforced gateway with nothing to check does not start)
            policy(auth).requireCredentials(keys, signatures != null);
            authenticator = new RequestAuthenticator(callers, signatures, policy(auth).enforced());
            LOG.info("Authentication: {} API key(s) for callers {}; inbound signatures {}", keys, now.names(),
                    signatures == null ? "off" : "on (caller '" + signatures.callerName() + "')");
        }
        return authenticator;
    }

    /** Whether requests must authenticate: decided from the settings, once ({@link AuthenticationPolicy}). */
    private synchronized AuthenticationPolicy policy(AuthSettings auth) {
        if (policy == null) {
            policy = AuthenticationPolicy.decide(auth.keySettings(), auth.authDisabled(), auth.openWithoutKeys());
        }
        return policy;
    }

    @BindToRegistry(value = "rateLimiter", lazy = true)
    public synchronized RateLimiter rateLimiter() {
        if (limiter == null) {
            LOG.info("Rate limit: {} per minute, burst {}, per caller (per client IP when open)", ratePerMinute, rateBurst);
            limiter = new RateLimiter(ratePerMinute, rateBurst, rateMaxTracked, Ticker.systemTicker());
        }
        return limiter;
    }

    /** Status lookups: a budget per caller of their own, so that polling never spends the budget of new questions. */
    @BindToRegistry(value = "statusRateLimiter", lazy = true)
    public RateLimiter statusRateLimiter() {
        LOG.info("Status lookups: {} per minute, burst {}, per caller", statusPerMinute, statusBurst);
        return new RateLimiter(statusPerMinute, statusBurst, rateMaxTracked, Ticker.systemTicker());
    }

    /** Admin calls on the management port, per client IP (refused calls count too). */
    @BindToRegistry(value = "adminRateLimiter", lazy = true)
    public RateLimiter adminRateLimiter() {
        return new RateLimiter(adminPerMinute, adminBurst, 10_000, Ticker.systemTicker());
    }

    @BindToRegistry(value = "adminAuthenticator", lazy = true)
    public synchronized AdminAuthenticator adminAuthenticator(ProfileSettings profile) {
        if (admin == null) {
            String token = SecretSetting.resolve("ADMIN_TOKEN", adminToken, adminTokenFile);
            if (profile.prodChecks() && !token.isEmpty() && token.length() < MIN_ADMIN_TOKEN_CHARS) {
                throw new IllegalStateException("ADMIN_TOKEN is shorter than " + MIN_ADMIN_TOKEN_CHARS
                        + " characters: use a long random token (e.g. openssl rand -base64 32)");
            }
            admin = new AdminAuthenticator(token, adminOpenWithoutToken);
        }
        return admin;
    }

    @Override
    public void configure(CamelContext context) {
        AuthSettings auth = context.getRegistry().findSingleByType(AuthSettings.class);
        context.getRegistry().findSingleByType(RequestAuthenticator.class); // made now: a start without credentials fails here
        if (!policy(auth).enforced()) {
            LOG.warn("Authentication is OFF ({}): anyone who can reach POST /webhook can start agent runs", policy(auth).why());
        } else if (auth.authDisabled()) {
            LOG.warn("AUTH_DISABLED=true is ignored: {} {} set, so authentication is enforced",
                    String.join(", ", policy(auth).settingsGiven()), policy(auth).settingsGiven().size() == 1 ? "is" : "are");
        }
        AdminAuthenticator admin = context.getRegistry().findSingleByType(AdminAuthenticator.class);
        if (!admin.tokenConfigured()) {
            if (adminOpenWithoutToken) {
                LOG.warn("Admin operations are OPEN: ADMIN_TOKEN is not set (local profile)");
            } else {
                LOG.info("Admin operations are disabled: ADMIN_TOKEN is not set");
            }
        }
    }
}
