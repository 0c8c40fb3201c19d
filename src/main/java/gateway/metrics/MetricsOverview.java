package gateway.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.json.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * This instance's last hour for the operator console ({@code GET /admin/overview}): a ring of at most {@link #POINTS}
 * points, one a step ({@code OVERVIEW_STEP_SECONDS}, 60), each read from the gateway's own meters on the registry
 * {@code /observe/metrics} serves ({@link #snapshot()}, called by {@code routes.MetricsOverviewRoute}'s timer). The
 * counts of a point are what its step added (the counters' difference since the previous snapshot); the gauges are
 * their value when it was taken. The agent's p50/p95 come from the percentile histogram of
 * {@code gateway.agent.call.duration} (cumulative since start on the Prometheus registry): the difference of each
 * bucket over the step, interpolated within its bucket as Prometheus's {@code histogram_quantile} does, so they are as
 * exact as the dashboard's. Nothing here calls AWS: the queue depths are the gauges {@link QueueDepthSampler} already
 * keeps.
 *
 * <p>Memory: the points (60, each a dozen numbers and one pair per caller with deliveries in its step) and the previous
 * value of each counter series and histogram bucket read (one number each, as many as the registry already has):
 * a few kilobytes, bounded by the callers of the callers file.
 */
public class MetricsOverview {

    /** The ring's size: an hour of one-minute steps. */
    public static final int POINTS = 60;
    static final String AGENT_TIMER = "gateway.agent.call.duration";

    /** The work queues and DLQs, by the names the overview gives them. */
    public static final List<String> QUEUE_ROLES = List.of("requests", "requests_dlq", "deliveries", "deliveries_dlq");

    /** One step: its end, its counts and gauges ({@code null}: unknown), and per caller {delivered, failed}. */
    record Point(Instant at, long questions, long answers, long failures, Long agentInFlight, Long agentP50Ms,
            Long agentP95Ms, Map<String, Long> queues, Map<String, long[]> deliveriesByCaller) {
    }

    private final MeterRegistry registry;
    private final String instance;
    private final long stepSeconds;
    private final Map<String, String> queueNames;
    private final Clock clock;

    private final Deque<Point> points = new ArrayDeque<>(POINTS);
    /** Each counter's value at the previous snapshot. */
    private final Map<Meter.Id, Double> lastCounts = new HashMap<>();
    /** The agent timers' cumulative bucket counts (by upper bound, ms, summed over outcomes) and total at the previous snapshot. */
    private TreeMap<Double, Double> lastBuckets = new TreeMap<>();
    private double lastTimed;

    /**
     * @param instance   this instance's name (the pod's)
     * @param queueNames the queue names of {@link #QUEUE_ROLES}, by role
     */
    public MetricsOverview(MeterRegistry registry, String instance, long stepSeconds, Map<String, String> queueNames,
            Clock clock) {
        this.registry = registry;
        this.instance = instance;
        this.stepSeconds = stepSeconds;
        this.queueNames = Map.copyOf(queueNames);
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Takes the point of the step that ends now; the oldest goes when there are {@link #POINTS}. */
    public synchronized void snapshot() {
        long questions = delta("gateway.requests", id -> "accepted".equals(id.getTag("outcome")));
        long answers = delta("gateway.agent.calls", id -> "answered".equals(id.getTag("outcome")));
        // questions that ended failed: refused by the agent (never retried), or given up after retries (dead-lettered)
        long failures = delta("gateway.agent.calls", id -> "permanent_error".equals(id.getTag("outcome")))
                + delta("gateway.dead.letters", id -> "agent-invoke".equals(id.getTag("stage")));
        Gauge inFlight = registry.find("gateway.agent.calls.in.flight").gauge();
        Long agentInFlight = inFlight == null ? null : Math.round(inFlight.value());
        Long[] latency = agentLatency();
        Map<String, Long> queues = new LinkedHashMap<>();
        for (String role : QUEUE_ROLES) {
            queues.put(role, depth(queueNames.get(role)));
        }
        Map<String, long[]> byCaller = new TreeMap<>();
        for (Counter counter : registry.find("gateway.deliveries").counters()) {
            String outcome = counter.getId().getTag("outcome");
            long added = delta(counter);
            if (added > 0 && ("delivered".equals(outcome) || "dead_lettered".equals(outcome))) {
                long[] pair = byCaller.computeIfAbsent(String.valueOf(counter.getId().getTag("caller")), c -> new long[2]);
                pair["delivered".equals(outcome) ? 0 : 1] += added;
            }
        }
        if (points.size() == POINTS) {
            points.removeFirst();
        }
        points.addLast(new Point(clock.instant(), questions, answers, failures, agentInFlight, latency[0], latency[1],
                queues, byCaller));
    }

    /** {@code GET /admin/overview}: the points, oldest first. */
    public synchronized ObjectNode view() {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("instance", instance);
        body.put("step_seconds", stepSeconds);
        ArrayNode list = body.putArray("points");
        for (Point p : points) {
            ObjectNode point = list.addObject();
            point.put("at", Timestamps.format(p.at()));
            point.put("questions", p.questions());
            point.put("answers", p.answers());
            point.put("failures", p.failures());
            point.put("agent_in_flight", p.agentInFlight());
            point.put("agent_p50_ms", p.agentP50Ms());
            point.put("agent_p95_ms", p.agentP95Ms());
            ObjectNode queues = point.putObject("queues");
            p.queues().forEach(queues::put);
            ObjectNode callers = point.putObject("deliveries_by_caller");
            p.deliveriesByCaller().forEach((caller, pair) -> {
                ObjectNode counts = callers.putObject(caller);
                counts.put("delivered", pair[0]);
                counts.put("failed", pair[1]);
            });
        }
        return body;
    }

    /** What the counters of {@code name} whose id passes {@code which} added since the previous snapshot. */
    private long delta(String name, Predicate<Meter.Id> which) {
        long sum = 0;
        for (Counter counter : registry.find(name).counters()) {
            if (which.test(counter.getId())) {
                sum += delta(counter);
            }
        }
        return sum;
    }

    private long delta(Counter counter) {
        double now = counter.count();
        Double before = lastCounts.put(counter.getId(), now);
        return Math.max(0, Math.round(now - (before == null ? 0 : before)));
    }

    /** The depth of a queue (visible and in flight) as last sampled; null when it is not sampled. */
    private Long depth(String queue) {
        if (queue == null) {
            return null;
        }
        double sum = 0;
        boolean any = false;
        for (Gauge gauge : registry.find("gateway.queue.messages").tag("queue", queue).gauges()) {
            double value = gauge.value();
            if (!Double.isNaN(value)) {
                sum += value;
                any = true;
            }
        }
        return any ? Math.round(sum) : null;
    }

    /** {p50, p95} in ms of the agent calls that ended in this step; nulls when none did. */
    private Long[] agentLatency() {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double timed = 0;
        for (Timer timer : registry.find(AGENT_TIMER).timers()) {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            timed += snapshot.count();
            for (CountAtBucket bucket : snapshot.histogramCounts()) {
                buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
            }
        }
        TreeMap<Double, Double> step = new TreeMap<>();
        boolean consistent = timed >= lastTimed;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            double added = bucket.getValue() - lastBuckets.getOrDefault(bucket.getKey(), 0.0);
            consistent &= added >= 0;
            step.put(bucket.getKey(), added);
        }
        double total = timed - lastTimed;
        lastBuckets = buckets;
        lastTimed = timed;
        if (!consistent || total < 1) {
            return new Long[] {null, null};
        }
        return new Long[] {quantile(0.50, step, total), quantile(0.95, step, total)};
    }

    /**
     * The q-quantile of {@code total} values given the cumulative count at each bucket's upper bound: the bucket it
     * falls in, interpolated linearly (Prometheus's {@code histogram_quantile}); above the last finite bound, that bound.
     */
    static Long quantile(double q, TreeMap<Double, Double> cumulative, double total) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            double bound = bucket.getKey();
            if (Double.isInfinite(bound)) {
                break;
            }
            double count = bucket.getValue();
            if (count >= rank) {
                double inBucket = count - lowerCount;
                double value = inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * (rank - lowerCount) / inBucket;
                return Math.round(value);
            }
            lowerBound = bound;
            lowerCount = count;
        }
        return Math.round(lowerBound);
    }
}
