package gateway.events;

import java.util.LinkedHashMap;
import java.util.Map;

import gateway.cancel.CancellationMarkers;
import gateway.cancel.CancellationWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every {@code CANCEL_POLL_MS} (route {@code question-watch}): one LIST of {@code watch/} ({@link SharedWatch}) when
 * something here can be affected by what other replicas wrote, shared by the cancellation watch (an agent call in flight
 * here) and the event streams (a stream open here); none otherwise. Idle, a replica makes no call for either.
 */
public class QuestionWatch {

    private static final Logger LOG = LoggerFactory.getLogger(QuestionWatch.class);

    private final SharedWatch watch;
    private final CancellationWatch cancellations;
    private final StreamHub streams;
    private volatile boolean failing;

    public QuestionWatch(SharedWatch watch, CancellationWatch cancellations, StreamHub streams) {
        this.watch = watch;
        this.cancellations = cancellations;
        this.streams = streams;
    }

    /** One look, when anything here needs it; the streams' heartbeat either way. */
    public void poll() {
        streams.heartbeat();
        boolean calls = cancellations.callsInFlight();
        boolean open = streams.open() > 0;
        if (!calls) {
            cancellations.stale();
        }
        if (!calls && !open) {
            return;
        }
        Map<String, SharedWatch.Entry> listed;
        try {
            listed = watch.list();
        } catch (SdkException e) {
            if (!failing) {
                failing = true;
                // the SDK's text stays out of the WARN (it may name the bucket and the request): DEBUG only
                LOG.warn("watch/ cannot be listed (cancellations and events from other replicas are seen once it can): {}",
                        e.getClass().getSimpleName());
                LOG.debug("watch/ LIST failed", e);
            }
            cancellations.failed(e);
            return;
        }
        failing = false;
        if (calls) {
            cancellations.update(CancellationMarkers.in(listed));
        }
        if (open) {
            streams.refresh(openLogs(listed));
        }
    }

    /** The open event logs listed: tracking id to version. */
    static Map<String, String> openLogs(Map<String, SharedWatch.Entry> listed) {
        Map<String, String> logs = new LinkedHashMap<>();
        listed.forEach((path, entry) -> {
            String id = EventLog.trackingIdOf(path);
            if (id != null) {
                logs.put(id, entry.version());
            }
        });
        return logs;
    }
}
