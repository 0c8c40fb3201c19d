package gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;

import gateway.callers.CallerDirectory;
import gateway.callers.Callers;
import gateway.chat.ChatDeliveryErrors;
import gateway.chat.ChatFailures;
import gateway.chat.ChatMarkdown;
import gateway.chat.ChatMessages;
import gateway.chat.SlackMessage;
import gateway.chat.TeamsCard;
import gateway.delivery.AttemptReport;
import gateway.delivery.DeliveryFailures;
import gateway.delivery.DeliveryFanOut;
import gateway.delivery.DeliveryPayload;
import gateway.delivery.DeliverySchedule;
import gateway.delivery.DeliveryTargetResolver;
import gateway.delivery.DeliveryTargets;
import gateway.delivery.OutboundWebhook;
import gateway.delivery.Resends;
import gateway.delivery.RetrySchedule;
import gateway.delivery.WebhookSigner;
import gateway.json.Json;
import gateway.net.AddressGuard;
import gateway.net.BlockedAddressException;
import gateway.net.GuardedHttpComponent;
import gateway.render.MarkdownPlainText;
import gateway.sqs.QueueLimits;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.http.HttpComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage's beans: the signed outbound webhook and its target, the error handler's steps (what is
 * retried, the receiver's Retry-After), the long retry schedule, and the HTTP client's timeouts for http and
 * https (and no automatic retries of its own).
 */
public class DeliveryConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConfiguration.class);

    @PropertyInject("gateway.webhook.source")
    private String source;
    @PropertyInject("gateway.webhook.timeout")
    private String timeout;
    @PropertyInject("gateway.delivery.schedule")
    private String schedule;
    @PropertyInject("gateway.delivery.retry-after.min-ms")
    private long retryAfterMinMs;
    @PropertyInject("gateway.delivery.retry-after.max-ms")
    private long retryAfterMaxMs;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;
    @PropertyInject(value = "gateway.webhook.allow-private-targets", defaultValue = "false")
    private boolean allowPrivateTargets;
    @PropertyInject(value = "gateway.webhook.allowed-cidrs", defaultValue = "")
    private String allowedCidrs;
    @PropertyInject(value = "gateway.delivery.replicas", defaultValue = "1")
    private int replicas;

    /**
     * Each step of {@code DELIVERY_SCHEDULE} is one more receive of the deliveries queue, after the first: a schedule
     * that needs more receives than the queue's redrive policy allows could never run to its end (SQS would move
     * the message first, in silence), so it stops the start.
     */
    void requireReceivesFor(RetrySchedule longSchedule, OptionalInt maxReceives) {
        int needed = longSchedule.attempts();
        if (maxReceives.isPresent() && needed > maxReceives.getAsInt()) {
            throw new IllegalStateException("DELIVERY_SCHEDULE (" + schedule + ") needs " + needed + " receives of "
                    + deliveriesQueue + " but its redrive policy (MAX_RECEIVE_COUNT) allows " + maxReceives.getAsInt()
                    + ": shorten DELIVERY_SCHEDULE or raise MAX_RECEIVE_COUNT to " + needed);
        }
    }

    /** The delivery's payload, signed (unless no secret is set for its target: a WARN says so), for the route's POST. */
    @BindToRegistry(value = "outboundWebhook", lazy = true)
    public OutboundWebhook outboundWebhook(CallerDirectory callers, WebhookSettings webhook) {
        String secret = webhook.signingSecrets();
        WebhookSigner signer = secret.isBlank() ? null : new WebhookSigner(secret);
        if (signer == null && !webhook.url().isBlank()) {
            LOG.warn("No WEBHOOK_SIGNING_SECRET: deliveries to WEBHOOK_URL are NOT signed");
        }
        return new OutboundWebhook(new DeliveryTargetResolver(callers, webhook.url(), signer, replicas), source,
                new DeliveryPayload(Json.MAPPER, new MarkdownPlainText()), Clock.systemUTC());
    }

    /**
     * The render step of Slack and Teams endpoints: Block Kit messages and Adaptive Cards sharing one markdown walker
     * (all three thread-safe).
     */
    @BindToRegistry(value = "chatMessages", lazy = true)
    public ChatMessages chatMessages() {
        ChatMarkdown markdown = new ChatMarkdown();
        return new ChatMessages(new SlackMessage(Json.MAPPER, markdown), new TeamsCard(Json.MAPPER, markdown));
    }

    /** What Slack's and Teams' errors mean for a delivery: retried, the endpoint paused, or dead-lettered. */
    @BindToRegistry(value = "chatFailures", lazy = true)
    public ChatFailures chatFailures() {
        return new ChatFailures(new ChatDeliveryErrors(Clock.systemUTC()));
    }

    /** Who receives a result: the request's callback_url, the caller's endpoints, or WEBHOOK_URL. */
    @BindToRegistry(value = "deliveryTargets", lazy = true)
    public DeliveryTargets deliveryTargets(CallerDirectory callers, WebhookSettings webhook, AuthSettings auth) {
        return new DeliveryTargets(callers, webhook.url(), auth.inboundCaller());
    }

    @BindToRegistry(value = "deliveryFanOut", lazy = true)
    public DeliveryFanOut deliveryFanOut() {
        return new DeliveryFanOut();
    }

    @BindToRegistry(value = "resends", lazy = true)
    public Resends resends(DeliveryTargets targets) {
        return new Resends(targets);
    }

    @BindToRegistry(value = "attemptReport", lazy = true)
    public AttemptReport attemptReport() {
        return new AttemptReport();
    }

    /** The backoff is the route's redelivery policy (DELIVERY_RETRY_*); this adds only the receiver's Retry-After. */
    @BindToRegistry(value = "deliveryFailures", lazy = true)
    public DeliveryFailures deliveryFailures() {
        return new DeliveryFailures(Duration.ofMillis(retryAfterMinMs), Duration.ofMillis(retryAfterMaxMs), Clock.systemUTC());
    }

    /** The long schedule carried by SQS, one step a receive. */
    @BindToRegistry(value = "deliverySchedule", lazy = true)
    public DeliverySchedule deliverySchedule() {
        return new DeliverySchedule(RetrySchedule.parse(schedule));
    }

    /**
     * The SSRF guard of every delivery's connection (WEBHOOK_ALLOW_PRIVATE_TARGETS, WEBHOOK_ALLOWED_CIDRS); the
     * intake checks a callback URL's host with it too.
     */
    @BindToRegistry(value = "addressGuard", lazy = true)
    public AddressGuard addressGuard() {
        AddressGuard guard = AddressGuard.of(allowPrivateTargets, allowedCidrs);
        if (guard.allowsPrivate()) {
            LOG.warn("Deliveries may reach private addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS=true): loopback, private "
                    + "networks and the cloud metadata service are not refused");
        } else if (!guard.allowed().isEmpty()) {
            LOG.info("Deliveries may reach these otherwise refused ranges (WEBHOOK_ALLOWED_CIDRS): {}", guard.allowed());
        }
        return guard;
    }

    /**
     * WEBHOOK_URL on a private address (an internal receiver) is refused by the SSRF guard like any other target: say
     * so at start, with the setting that allows it, rather than only in the first dead letter. A name that cannot be
     * resolved now is left to the connection (DNS may come up later).
     */
    private void warnIfGuarded(AddressGuard guard, String webhookUrl) {
        if (webhookUrl.isBlank()) {
            return;
        }
        try {
            guard.checkHost(java.net.URI.create(webhookUrl.trim()).getHost());
        } catch (BlockedAddressException e) {
            LOG.warn("WEBHOOK_URL's host is refused by the SSRF guard ({}): its deliveries will be dead-lettered as "
                    + "blocked_address unless WEBHOOK_ALLOWED_CIDRS allows it", e.range());
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            LOG.debug("WEBHOOK_URL's host could not be checked at start: {}", e.getMessage());
        }
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // WEBHOOK_URL is where the callers of GATEWAY_API_KEYS, signed requests and an open gateway get their answers;
        // only when every caller comes from CALLERS_FILE may it stay unset
        Callers callers = context.getRegistry().findSingleByType(CallerDirectory.class).current();
        String webhookUrl = context.getRegistry().findSingleByType(WebhookSettings.class).url();
        String inboundCaller = context.getRegistry().findSingleByType(AuthSettings.class).inboundCaller();
        boolean defaultTargetUsed = !callers.settingsCallerNames().isEmpty() || inboundCaller != null || !callers.hasKeys();
        if (webhookUrl.isBlank() && defaultTargetUsed) {
            throw new IllegalStateException("WEBHOOK_URL is not set: the gateway has nowhere to deliver answers"
                    + " (only a gateway whose callers all come from CALLERS_FILE may leave it unset)");
        }
        warnIfGuarded(context.getRegistry().lookupByNameAndType("addressGuard", AddressGuard.class), webhookUrl);
        requireReceivesFor(RetrySchedule.parse(schedule),
                context.getRegistry().findSingleByType(QueueLimits.class).maxReceives("deliveries"));

        // the route's retry rules are the only ones: Apache HttpClient retries nothing by itself. Both schemes:
        // the route's toD takes the component of the receiver URL's scheme, and http and https are two components
        long perCall = RetrySchedule.parseDuration(timeout).toMillis();
        // every connection of both passes the SSRF guard when it connects: the components are the guarded ones,
        // installed before any route asks for them (a component made earlier would connect unguarded: no start)
        AddressGuard guard = context.getRegistry().lookupByNameAndType("addressGuard", AddressGuard.class);
        for (String scheme : new String[] {"http", "https"}) {
            if (context.hasComponent(scheme) == null) {
                context.addComponent(scheme, new GuardedHttpComponent(guard));
            } else if (!(context.hasComponent(scheme) instanceof GuardedHttpComponent)) {
                throw new IllegalStateException("the " + scheme + " component was created before the SSRF guard could "
                        + "be installed: deliveries would connect unguarded");
            }
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setAutomaticRetriesDisabled(true);
            http.setFollowRedirects(false);
            http.setRedirectHandlingDisabled(true);
            http.setConnectTimeout(Math.min(10_000, perCall));
            http.setResponseTimeout(perCall);
            http.setSoTimeout(perCall);
            http.setConnectionRequestTimeout(perCall);
        }
    }
}
