package gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import gateway.callers.CallerDirectory;
import gateway.delivery.RetrySchedule;
import gateway.endpoints.CallerEndpoints;
import gateway.endpoints.DeliveryLane;
import gateway.endpoints.EndpointControl;
import gateway.endpoints.EndpointEvents;
import gateway.endpoints.EndpointGate;
import gateway.endpoints.EndpointGauges;
import gateway.endpoints.EndpointHealthStore;
import gateway.endpoints.EndpointMaintenance;
import gateway.endpoints.EndpointNotices;
import gateway.endpoints.EndpointRecovery;
import gateway.endpoints.EndpointTests;
import gateway.endpoints.HealthRules;
import gateway.endpoints.ParkedDeliveries;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import gateway.tracking.S3RecordStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * The endpoints' health (docs/endpoints.md): the shared health records and this replica's view of them, the rules that
 * pause and resume an endpoint, the lanes of parked and dead-lettered deliveries, the delivery stage's gate, the
 * maintenance the timer route runs, and who is told of a change.
 */
public class EndpointConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.endpoints.pause-failures")
    private int pauseFailures;
    @PropertyInject("gateway.endpoints.pause-after")
    private String pauseAfter;
    @PropertyInject("gateway.endpoints.probe-min")
    private String probeMin;
    @PropertyInject("gateway.endpoints.probe-max")
    private String probeMax;
    @PropertyInject("gateway.endpoints.resume-rate")
    private int resumeRate;
    @PropertyInject("gateway.endpoints.parked-retention")
    private String parkedRetention;
    @PropertyInject("gateway.endpoints.check-seconds")
    private int checkSeconds;
    @PropertyInject("gateway.endpoints.health-cache-seconds")
    private int healthCacheSeconds;

    @BindToRegistry(value = "healthRules", lazy = true)
    public HealthRules healthRules() {
        return new HealthRules(pauseFailures, RetrySchedule.parseDuration(pauseAfter), RetrySchedule.parseDuration(probeMin),
                RetrySchedule.parseDuration(probeMax));
    }

    @BindToRegistry(value = "endpointHealthStore", lazy = true)
    public EndpointHealthStore endpointHealthStore(@BeanInject("recordStore") S3RecordStore store, S3Bucket bucket,
            EndpointGauges gauges) {
        return new EndpointHealthStore(store, bucket, Duration.ofSeconds(healthCacheSeconds), Clock.systemUTC(), gauges::state);
    }

    @BindToRegistry(value = "endpointGauges", lazy = true)
    public EndpointGauges endpointGauges(FlowMetrics metrics) {
        return new EndpointGauges(metrics.registry());
    }

    @BindToRegistry(value = "endpointNotices", lazy = true)
    public EndpointNotices endpointNotices(CamelContext context, CallerDirectory callers) {
        return new EndpointNotices(new EndpointEvents(callers), context.createProducerTemplate(), Clock.systemUTC());
    }

    @BindToRegistry(value = "endpointGate", lazy = true)
    public EndpointGate endpointGate(EndpointHealthStore health, HealthRules rules, EndpointNotices notices) {
        return new EndpointGate(health, rules, notices, Clock.systemUTC());
    }

    @BindToRegistry(value = "parkedLane", lazy = true)
    public DeliveryLane parkedLane(S3Bucket bucket) {
        return new DeliveryLane(bucket, DeliveryLane.PARKED);
    }

    @BindToRegistry(value = "undeliveredLane", lazy = true)
    public DeliveryLane undeliveredLane(S3Bucket bucket) {
        return new DeliveryLane(bucket, DeliveryLane.UNDELIVERED);
    }

    @BindToRegistry(value = "parkedDeliveries", lazy = true)
    public ParkedDeliveries parkedDeliveries(@BeanInject("parkedLane") DeliveryLane parked,
            @BeanInject("undeliveredLane") DeliveryLane undelivered) {
        return new ParkedDeliveries(parked, undelivered);
    }

    @BindToRegistry(value = "endpointControl", lazy = true)
    public EndpointControl endpointControl(CallerDirectory callers, WebhookSettings webhook, EndpointHealthStore health,
            HealthRules rules, @BeanInject("parkedLane") DeliveryLane parked, EndpointNotices notices) {
        return new EndpointControl(callers, webhook.url(), health, rules, parked, notices, Clock.systemUTC());
    }

    @BindToRegistry(value = "endpointRecovery", lazy = true)
    public EndpointRecovery endpointRecovery(@BeanInject("parkedLane") DeliveryLane parked,
            @BeanInject("undeliveredLane") DeliveryLane undelivered, EndpointHealthStore health, HealthRules rules,
            EndpointNotices notices) {
        return new EndpointRecovery(parked, undelivered, health, rules, notices, Clock.systemUTC());
    }

    /** The caller's side of it on the business port (routes.EndpointApiRoute). */
    @BindToRegistry(value = "callerEndpoints", lazy = true)
    public CallerEndpoints callerEndpoints(CallerDirectory callers, EndpointControl control, EndpointRecovery recovery) {
        return new CallerEndpoints(callers, control, recovery);
    }

    /** A test event to one of the caller's endpoints, on request (routes.EndpointApiRoute). */
    @BindToRegistry(value = "endpointTests", lazy = true)
    public EndpointTests endpointTests(CallerEndpoints endpoints, EndpointHealthStore health) {
        return new EndpointTests(endpoints, health, Clock.systemUTC());
    }

    /**
     * A release takes {@code ENDPOINT_RESUME_RATE} deliveries a second for one check period at most, then the next
     * endpoint has its turn; the lease outlasts three such turns.
     */
    @BindToRegistry(value = "endpointMaintenance", lazy = true)
    public EndpointMaintenance endpointMaintenance(EndpointHealthStore health, HealthRules rules,
            @BeanInject("parkedLane") DeliveryLane parked, EndpointNotices notices, EndpointGauges gauges) {
        int batch = Math.max(1, Math.min(1000, resumeRate * checkSeconds));
        String owner = System.getenv().getOrDefault("HOSTNAME", "gateway") + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new EndpointMaintenance(health, rules, parked, notices, gauges, Clock.systemUTC(), owner,
                RetrySchedule.parseDuration(parkedRetention), batch, Duration.ofSeconds(3L * Math.max(checkSeconds, 10)));
    }
}
