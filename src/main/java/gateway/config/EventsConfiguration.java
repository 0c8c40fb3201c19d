package gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import gateway.callers.CallerDirectory;
import gateway.cancel.CancellationWatch;
import gateway.delivery.RetrySchedule;
import gateway.events.EventLog;
import gateway.events.QuestionEvents;
import gateway.events.QuestionStreams;
import gateway.events.QuestionWatch;
import gateway.events.QuestionWebhooks;
import gateway.events.SharedWatch;
import gateway.events.StreamHub;
import gateway.http.CorsPolicy;
import gateway.s3.S3Bucket;
import gateway.tracking.S3RecordStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * A question's events (docs/events.md): their log in S3, their webhooks, the run of each agent call, the streams open on
 * this replica, and the one look-up of {@code watch/} shared by the streams and the cancellation watch.
 */
public class EventsConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.events.progress-min-interval")
    private String progressMinInterval;
    @PropertyInject("gateway.events.senders")
    private int senders;
    @PropertyInject("gateway.webhook.timeout")
    private String webhookTimeout;

    @BindToRegistry(value = "eventLog", lazy = true)
    public EventLog eventLog(@BeanInject("recordStore") S3RecordStore store, S3Bucket bucket) {
        return new EventLog(store, bucket);
    }

    @BindToRegistry(value = "streamHub", lazy = true)
    public StreamHub streamHub(EventLog log) {
        return new StreamHub(log);
    }

    @BindToRegistry(value = "questionStreams", lazy = true)
    public QuestionStreams questionStreams(CamelContext context, EventLog log, StreamHub hub, CorsPolicy cors) {
        return new QuestionStreams(context, context.createProducerTemplate(), log, hub, cors);
    }

    @BindToRegistry(value = "questionWatch", lazy = true)
    public QuestionWatch questionWatch(S3Bucket bucket, CancellationWatch cancellations, StreamHub hub) {
        return new QuestionWatch(new SharedWatch(bucket), cancellations, hub);
    }

    /** The start and progress events' senders: EVENT_SENDERS threads (a Camel pool), each run's events in order. */
    @BindToRegistry(value = "questionEvents", lazy = true)
    public QuestionEvents questionEvents(CamelContext context, EventLog log, CallerDirectory callers, StreamHub hub) {
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "question-event-senders", senders);
        ScheduledExecutorService scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                "question-event-flush");
        return new QuestionEvents(log, new QuestionWebhooks(callers, context.createProducerTemplate()), hub, Clock.systemUTC(),
                RetrySchedule.parseDuration(progressMinInterval), RetrySchedule.parseDuration(webhookTimeout), scheduler, pool);
    }

    /**
     * The event streams' GETs are served on the business port's router ({@link QuestionStreams}), mounted once Camel has
     * started (before the gateway is ready). When the gateway begins to stop, every open stream ends: its client resumes
     * on another replica with Last-Event-ID.
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                MainHttpServer server = started.hasService(MainHttpServer.class);
                if (server != null && server.getRouter() != null) {
                    started.getRegistry().lookupByNameAndType("questionStreams", QuestionStreams.class).mount(server.getRouter());
                }
            }
        });
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                context.getRegistry().lookupByNameAndType("streamHub", StreamHub.class).closeAll();
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event.getType() == CamelEvent.Type.CamelContextStopping;
            }
        });
    }
}
