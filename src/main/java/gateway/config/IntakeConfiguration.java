package gateway.config;

import java.time.Clock;
import java.time.Duration;

import gateway.callers.CallerDirectory;
import gateway.http.CorsPolicy;
import gateway.idempotency.IdempotencyKeys;
import gateway.idempotency.S3IdempotencyStore;
import gateway.intake.CallbackUrls;
import gateway.intake.EventChoices;
import gateway.intake.IntakeResponses;
import gateway.intake.JsonLimits;
import gateway.intake.JsonRequestBody;
import gateway.intake.RequestQueueMessage;
import gateway.intake.SessionFields;
import gateway.intake.WebhookRequestValidator;
import gateway.net.AddressGuard;
import gateway.s3.S3Bucket;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The beans the {@code webhook-intake} route calls (besides who may call: {@link SecurityConfiguration}), the
 * Idempotency-Key memory on S3 among them.
 */
public class IntakeConfiguration implements CamelConfiguration {

    @PropertyInject(value = "gateway.cors.allowed-origins", defaultValue = "")
    private String allowedOrigins;
    @PropertyInject("gateway.http.max-body-bytes")
    private long maxBodyBytes;
    @PropertyInject("gateway.json.max-depth")
    private int maxJsonDepth;
    @PropertyInject("gateway.json.max-fields")
    private int maxJsonFields;
    @PropertyInject("gateway.json.max-query-chars")
    private int maxQueryChars;
    @PropertyInject("gateway.session.attributes-max-keys")
    private int sessionAttributesMaxKeys;
    @PropertyInject("gateway.session.attributes-max-bytes")
    private int sessionAttributesMaxBytes;
    @PropertyInject("gateway.idempotency.ttl-hours")
    private long ttlHours;
    @PropertyInject("gateway.idempotency.pending-timeout-seconds")
    private long pendingTimeoutSeconds;

    @BindToRegistry("jsonRequestBody")
    public JsonRequestBody jsonRequestBody() {
        return new JsonRequestBody(maxBodyBytes);
    }

    @BindToRegistry("webhookRequestValidator")
    public WebhookRequestValidator webhookRequestValidator() {
        return new WebhookRequestValidator();
    }

    @BindToRegistry("jsonLimits")
    public JsonLimits jsonLimits() {
        return new JsonLimits(maxJsonDepth, maxJsonFields, maxQueryChars);
    }

    /** session_id, session_attributes, prompt_session_attributes; attributes refused in knowledge-base mode. */
    @BindToRegistry(value = "sessionFields", lazy = true)
    public SessionFields sessionFields(AgentSettings agent) {
        return new SessionFields(sessionAttributesMaxKeys, sessionAttributesMaxBytes, agent.knowledgeBase());
    }

    @BindToRegistry(value = "requestQueueMessage", lazy = true)
    public RequestQueueMessage requestQueueMessage(AwsSettings aws) {
        return new RequestQueueMessage(aws.sqsMaxMessageBytes());
    }

    @BindToRegistry("intakeResponses")
    public IntakeResponses intakeResponses(CorsPolicy cors) {
        return new IntakeResponses(cors, Clock.systemUTC());
    }

    /** CORS_ALLOWED_ORIGINS: the answers of the public port, event streams included. */
    @BindToRegistry("corsPolicy")
    public CorsPolicy corsPolicy() {
        return new CorsPolicy(allowedOrigins);
    }

    /** A request's events (for its callback_url) and stream_answer. */
    @BindToRegistry("eventChoices")
    public EventChoices eventChoices() {
        return new EventChoices();
    }

    /**
     * The request's callback_url: one of its caller's callback_urls, resolving to addresses the SSRF guard allows;
     * https only in prod (unless ALLOW_INSECURE_WEBHOOK_URL=true).
     */
    @BindToRegistry(value = "callbackUrls", lazy = true)
    public CallbackUrls callbackUrls(CallerDirectory callers, AddressGuard guard, ProfileSettings profile) {
        return new CallbackUrls(callers, guard, profile.httpAllowed());
    }

    /** The Idempotency-Key steps of the intake, over the S3 store shared by all replicas. */
    @BindToRegistry(value = "idempotencyKeys", lazy = true)
    public IdempotencyKeys idempotencyKeys(S3Bucket bucket) {
        return new IdempotencyKeys(new S3IdempotencyStore(bucket), Duration.ofHours(ttlHours),
                Duration.ofSeconds(pendingTimeoutSeconds), Clock.systemUTC());
    }

    @Override
    public void configure(CamelContext context) {
        // the beans above are all this stage needs
    }
}
