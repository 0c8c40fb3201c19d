package gateway.delivery;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import gateway.callers.Caller;
import gateway.callers.CallerDirectory;
import gateway.callers.CallerWebhook;
import gateway.callers.EndpointType;

/**
 * Where a delivery goes and how it is signed, looked up when each attempt is prepared (so a secret rotated or a
 * header changed in {@code CALLERS_FILE} applies to the next attempt): {@code WEBHOOK_URL} with
 * {@code WEBHOOK_SIGNING_SECRET}; a caller's endpoint with its own secrets (or the caller's) and headers; a callback
 * URL, still allowed by the caller's {@code callback_urls}, with the caller's secrets. A target that can no longer
 * be used is an {@link UndeliverableTarget}.
 */
public class DeliveryTargetResolver {

    /**
     * A target ready to send to: its type, the URL (with its query; null for SNS and EventBridge), the extra headers,
     * the signer (null: unsigned), this replica's share of its {@code max_per_second} (null: no limit), and for an AWS
     * endpoint its destination (queue URL, topic ARN, bus) and an EventBridge endpoint's {@code source}.
     */
    public record Resolved(EndpointType type, String url, Map<String, String> headers, WebhookSigner signer,
            Integer maxPerSecond, String destination, String eventSource) {

        public Resolved {
            type = type == null ? EndpointType.WEBHOOK : type;
        }

        /** A webhook target. */
        public Resolved(String url, Map<String, String> headers, WebhookSigner signer, Integer maxPerSecond) {
            this(EndpointType.WEBHOOK, url, headers, signer, maxPerSecond, null, null);
        }

        @Override
        public String toString() {
            // header values may be credentials
            return "Resolved[type=" + type.wireName() + ", url=" + (type.chat() ? "(a " + type.wireName() + " URL)"
                    : DeliveryTarget.shown(url)) + ", headers=" + headers.keySet() + "]";
        }
    }

    private final CallerDirectory callers;
    private final String defaultUrl;
    private final WebhookSigner defaultSigner;
    private final int replicas;

    /** @param replicas how many replicas share each endpoint's {@code max_per_second} ({@code GATEWAY_REPLICAS}) */
    public DeliveryTargetResolver(CallerDirectory callers, String defaultUrl, WebhookSigner defaultSigner, int replicas) {
        this.callers = callers;
        this.defaultUrl = defaultUrl == null ? "" : defaultUrl.trim();
        this.defaultSigner = defaultSigner;
        this.replicas = Math.max(1, replicas);
    }

    public DeliveryTargetResolver(CallerDirectory callers, String defaultUrl, WebhookSigner defaultSigner) {
        this(callers, defaultUrl, defaultSigner, 1);
    }

    public Resolved resolve(DeliveryTarget target) {
        switch (target.kind()) {
            case DEFAULT:
                if (defaultUrl.isEmpty()) {
                    throw new UndeliverableTarget(UndeliverableTarget.NO_DEFAULT_URL, "WEBHOOK_URL is not set");
                }
                return new Resolved(defaultUrl, Map.of(), defaultSigner, null);
            case ENDPOINT: {
                Caller caller = caller(target);
                CallerWebhook webhook = caller.webhook(target.endpoint()).orElseThrow(() -> new UndeliverableTarget(
                        UndeliverableTarget.ENDPOINT_REMOVED, "caller '" + target.caller() + "' has no webhook '" + target.endpoint() + "' any more"));
                // each replica allows its share, rounded down but at least one a second
                Integer share = webhook.maxPerSecond() == null ? null : Math.max(1, webhook.maxPerSecond() / replicas);
                return new Resolved(webhook.type(), webhook.url() == null ? null : webhook.url().toString(), webhook.headers(),
                        webhook.signer(), share, webhook.destination(), webhook.eventSource());
            }
            default: {
                Caller caller = caller(target);
                URI url = URI.create(target.url());
                if (!caller.allowsCallback(url)) {
                    throw new UndeliverableTarget(UndeliverableTarget.CALLBACK_NOT_ALLOWED,
                            "caller '" + target.caller() + "' no longer allows this callback_url");
                }
                return new Resolved(target.url(), Map.of(), caller.signer(), null);
            }
        }
    }

    private Caller caller(DeliveryTarget target) {
        Optional<Caller> caller = callers.current().fileCaller(target.caller());
        return caller.orElseThrow(() -> new UndeliverableTarget(UndeliverableTarget.ENDPOINT_REMOVED,
                "caller '" + target.caller() + "' is no longer in CALLERS_FILE"));
    }
}
