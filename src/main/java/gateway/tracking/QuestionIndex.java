package gateway.tracking;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.delivery.DeliveryTarget;
import gateway.endpoints.EndpointRef;
import gateway.flow.FlowProperties;
import gateway.json.Json;
import gateway.metrics.FlowMetrics;
import gateway.s3.S3Bucket;
import org.apache.camel.ExchangeProperty;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The question index behind {@code GET /webhook}: a small summary object per question under its caller's folder, named
 * so that a listing is newest first ({@link IndexKeys}), kept as the question moves, and read a page at a time. Never a
 * scan of the records.
 *
 * <p>Kept: the record writer ({@link RecordWriter#write}) names the question's entry once, in the record itself
 * ({@value #RECORD_FIELD}), and hands an {@link Update} to the tracking-write route when the summary changed (status,
 * outcome, session, the request's fields or a delivery's status or last attempt; not for a change of {@code updated_at}
 * alone): one PUT of the summary, plus one empty marker under the session's folder the first time the question has that
 * session. A change the record's
 * write did not make (it was given up) changes nothing here either.
 *
 * <p>Read: one ListObjectsV2 of the caller's summaries (of the session's markers with {@code session_id}) starting after
 * the cursor (or {@code until}) and stopped at {@code since}, then a GET of each summary examined, {@value #PARALLEL_READS}
 * at a time. Without a filter on the summaries that is the page's entries (limit + 1 keys listed, so the last page
 * knows it is the last); with {@code status}, {@code outcome}, {@code q} or {@code endpoint} at most {@code maxExamined}
 * summaries per request, after which the page holds what matched so far and a {@code next_cursor} to go on from.
 */
public class QuestionIndex {

    /** Exchange property: the {@link Update} a record write made ({@link RecordWriter#write}); unset when none. */
    public static final String UPDATE = "question_index_update";
    /** The record's field naming its entry, {@code <caller folder>/<entry>}: set once, so the entry never moves. */
    static final String RECORD_FIELD = "index_entry";
    static final int QUESTION_CHARS = 200;
    public static final int PARALLEL_READS = 8;
    /** Questions whose last summary PUT this process remembers (about 100 bytes each). */
    static final int RECENT = 10_000;
    static final List<String> FIELDS = List.of("tracking_id", "queued_at", "status", "outcome", "session_id",
            "source_system", "source_process", "question", "updated_at");
    /** A delivery in the summary and the list item: where it went (label, endpoint name) and how it stands; never a URL. */
    static final String DELIVERIES = "deliveries";
    static final List<String> DELIVERY_FIELDS = List.of("target", "endpoint", "status", "http_status", "at");

    /** What a record write changes in the index: the summary to PUT, and the session whose marker is new (or null). */
    public record Update(String caller, String entry, ObjectNode summary, String newSession) {
    }

    private final S3Bucket bucket;
    private final ExecutorService readers;
    private final int maxExamined;
    private final FlowMetrics metrics;
    private final ReentrantLock[] locks = new ReentrantLock[64];
    /** The {@code updated_at} of the last summary PUT per question, for the questions this process indexed lately. */
    private final Map<String, String> lastPut = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > RECENT;
        }
    });

    /**
     * @param readers     the threads that GET a page's summaries ({@value #PARALLEL_READS} at a time per request)
     * @param maxExamined most summaries one request reads when it filters on them ({@code QUESTION_LIST_MAX_EXAMINED})
     * @param metrics     counts each failed call as a record-store error ({@code read} / {@code write}); null: not counted
     */
    public QuestionIndex(S3Bucket bucket, ExecutorService readers, int maxExamined, FlowMetrics metrics) {
        if (maxExamined < 1) {
            throw new IllegalArgumentException("QUESTION_LIST_MAX_EXAMINED must be at least 1");
        }
        this.bucket = bucket;
        this.readers = readers;
        this.maxExamined = maxExamined;
        this.metrics = metrics;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    // --- kept: from the record writer ---

    /**
     * Names the record's entry if it has none yet (its caller, and when it was queued: {@code queued_at}, else
     * {@code created_at}); a record whose time cannot be read gets none (and is not listed).
     */
    static void place(ObjectNode record) {
        // only once the record says whose question it is: the intake's "queued" or the agent stage's "processing" has
        // set its queued time (and its caller, when there is one). A later stage's change can reach the record first
        // (its in-line write beside an intake write still waiting to be batched); placed then, the entry would be
        // filed under no caller, and at the wrong time, for good
        if (record.hasNonNull(RECORD_FIELD) || !record.hasNonNull("tracking_id") || !record.hasNonNull("queued_at")) {
            return;
        }
        Instant at = instant(text(record, "queued_at") != null ? text(record, "queued_at") : text(record, "created_at"));
        if (at == null) {
            return;
        }
        try {
            record.put(RECORD_FIELD, IndexKeys.caller(text(record, "caller")) + "/" + IndexKeys.entry(at, text(record, "tracking_id")));
        } catch (IllegalArgumentException e) {
            // not a UUID, or a time out of range: not listed
        }
    }

    /** The summary of a record as the list shows it (the question in full: {@code q} searches it; the page cuts it). */
    static ObjectNode summary(JsonNode record) {
        ObjectNode summary = Json.object();
        JsonNode request = record.path("request");
        summary.put("tracking_id", text(record, "tracking_id"));
        summary.put("queued_at", text(record, "queued_at") != null ? text(record, "queued_at") : text(record, "created_at"));
        summary.put("status", text(record, "status"));
        summary.put("outcome", QuestionOutcome.of(record));
        summary.put("session_id", text(record, "session_id") != null ? text(record, "session_id") : text(request, "session_id"));
        summary.put("source_system", text(record, "source_system"));
        summary.put("source_process", text(record, "source_process"));
        summary.put("question", text(request, "query"));
        summary.put("updated_at", text(record, "updated_at"));
        summary.set(DELIVERIES, deliveries(record));
        return summary;
    }

    /**
     * The question's deliveries as the summary keeps them, in the record's order: the target's label, its endpoint's name
     * (as {@code GET /endpoints} names it), the delivery's status, and its last attempt's HTTP status and time (null
     * before the first attempt); never a URL. A delivery's change of state, or a new attempt, changes the summary.
     */
    static ArrayNode deliveries(JsonNode record) {
        ArrayNode deliveries = Json.MAPPER.createArrayNode();
        ObjectNode entries = DeliveryEntries.of(record);
        if (entries == null) {
            return deliveries;
        }
        for (JsonNode entry : entries) {
            if (!entry.isObject()) {
                continue;
            }
            JsonNode attempts = entry.path("attempts");
            JsonNode last = attempts.isArray() && !attempts.isEmpty() ? attempts.get(attempts.size() - 1) : Json.object();
            ObjectNode shown = deliveries.addObject();
            shown.put("target", text(entry, "target"));
            shown.put("endpoint", endpoint(entry.path(DeliveryEntries.TARGET_REF)));
            shown.put("status", text(entry, "status"));
            JsonNode httpStatus = last.get("http_status");
            if (httpStatus != null && httpStatus.canConvertToInt() && httpStatus.isIntegralNumber()) {
                shown.put("http_status", httpStatus.intValue());
            } else {
                shown.putNull("http_status");
            }
            shown.put("at", text(last, "at"));
        }
        return deliveries;
    }

    /**
     * The name {@code GET /endpoints} gives the endpoint of a target reference ({@link EndpointRef}: a webhook's name,
     * {@code callback:<scheme>:<host>:<port>}, or {@code default}); null when the reference cannot be read.
     */
    private static String endpoint(JsonNode ref) {
        try {
            return EndpointRef.of(DeliveryTarget.fromJson(ref)).name();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * What the write of {@code after} changes in the index, {@code before} being the summary of the record before it
     * (null when that record had no entry yet): null when nothing but {@code updated_at} changed.
     */
    static Update update(ObjectNode before, ObjectNode after) {
        String place = text(after, RECORD_FIELD);
        if (place == null) {
            return null;
        }
        ObjectNode summary = summary(after);
        if (before != null && withoutTime(before).equals(withoutTime(summary))) {
            return null;
        }
        String session = text(summary, "session_id");
        String newSession = session != null && (before == null || !session.equals(text(before, "session_id"))) ? session : null;
        int slash = place.indexOf('/');
        return new Update(place.substring(0, slash), place.substring(slash + 1), summary, newSession);
    }

    /** The summary before a change, or null when the record has no entry yet (the write then makes it). */
    static ObjectNode before(ObjectNode record) {
        return record == null || !record.hasNonNull(RECORD_FIELD) ? null : summary(record);
    }

    /**
     * The tracking-write route's index step: PUTs the summary, and the session's marker when it is new. Two writers of
     * one record in this process (a change written now beside one a record writer holds) write the record in turn but
     * could PUT their summaries out of turn: a summary older than the last one this process PUT for the question (by
     * the record's {@code updated_at}, which only grows) is not PUT.
     */
    public void write(@ExchangeProperty(UPDATE) Update update) {
        if (update == null) {
            return;
        }
        String updatedAt = text(update.summary(), "updated_at");
        ReentrantLock lock = locks[Math.floorMod(update.entry().hashCode(), locks.length)];
        lock.lock();
        try {
            String last = lastPut.get(update.entry());
            if (last != null && updatedAt != null && last.compareTo(updatedAt) > 0) {
                return; // a later version of the question is in the index already
            }
            put(IndexKeys.summaryPath(update.caller(), update.entry()), Json.write(update.summary()));
            if (updatedAt != null) {
                lastPut.put(update.entry(), updatedAt);
            }
        } finally {
            lock.unlock();
        }
        if (update.newSession() != null) {
            put(IndexKeys.sessionMarkers(update.caller(), IndexKeys.session(update.newSession())) + update.entry(), "");
        }
    }

    // --- read: GET /webhook ---

    /** The page: {@code {"success":true,"questions":[...],"next_cursor"}} of the caller's own questions. */
    public ObjectNode page(@ExchangeProperty(QuestionListQuery.PROPERTY) QuestionListQuery query,
            @ExchangeProperty(FlowProperties.CALLER) String caller) {
        String callerFolder = IndexKeys.caller(caller);
        String folder = bucket.key(query.sessionId() == null ? IndexKeys.summaries(callerFolder)
                : IndexKeys.sessionMarkers(callerFolder, IndexKeys.session(query.sessionId())));
        String startAfter = query.until() == null ? null : IndexKeys.startAfterUntil(query.until());
        if (query.after() != null && (startAfter == null || query.after().compareTo(startAfter) > 0)) {
            startAfter = query.after();
        }
        boolean filtered = query.readsSummaries();
        int budget = filtered ? maxExamined : query.limit();

        List<ObjectNode> matches = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>();
        boolean listed = false;
        // '~' sorts after ".json" and before any later entry: the listing starts after the entry itself
        String listAfter = startAfter == null ? null : folder + startAfter + "~";
        String last = null;
        int examined = 0;
        while (matches.size() < query.limit() && examined < budget) {
            if (pending.isEmpty()) {
                if (listed) {
                    break;
                }
                // one more key than this request may examine: whether a next page exists is known without another call
                ListObjectsV2Response listing = list(folder, listAfter, Math.min(1000, budget - examined + 1));
                for (S3Object object : listing.contents()) {
                    String entry = IndexKeys.entryOf(object.key(), folder);
                    if (entry == null) {
                        continue;
                    }
                    if (query.since() != null && IndexKeys.before(entry, query.since())) {
                        listed = true;
                        break;
                    }
                    pending.add(entry);
                }
                listed |= !Boolean.TRUE.equals(listing.isTruncated()) || listing.contents().isEmpty();
                if (!listing.contents().isEmpty()) {
                    listAfter = listing.contents().get(listing.contents().size() - 1).key();
                }
                continue;
            }
            int take = Math.min(pending.size(), Math.min(budget - examined, filtered ? PARALLEL_READS : query.limit() - matches.size()));
            List<String> chunk = new ArrayList<>(take);
            for (int i = 0; i < take; i++) {
                chunk.add(pending.poll());
            }
            List<JsonNode> summaries = read(callerFolder, chunk);
            for (int i = 0; i < chunk.size(); i++) {
                if (matches.size() == query.limit()) {
                    // read but not examined: the next page starts with them
                    for (int j = chunk.size() - 1; j >= i; j--) {
                        pending.addFirst(chunk.get(j));
                    }
                    break;
                }
                examined++;
                last = chunk.get(i);
                JsonNode summary = summaries.get(i);
                if (summary != null && matches(summary, query)) {
                    matches.add(item(summary));
                }
            }
        }
        boolean more = !pending.isEmpty() || !listed;
        ObjectNode page = Json.object();
        page.put("success", true);
        ArrayNode questions = page.putArray("questions");
        matches.forEach(questions::add);
        page.put("next_cursor", more && last != null ? IndexKeys.cursor(last) : null);
        return page;
    }

    static boolean matches(JsonNode summary, QuestionListQuery query) {
        if (query.status() != null && !query.status().equals(text(summary, "status"))) {
            return false;
        }
        if (query.outcome() != null && !Objects.equals("open".equals(query.outcome()) ? null : query.outcome(), text(summary, "outcome"))) {
            return false;
        }
        if (query.endpoint() != null && !deliveredTo(summary, query.endpoint())) {
            return false;
        }
        if (query.q() != null) {
            String question = text(summary, "question");
            return question != null && question.toLowerCase(Locale.ROOT).contains(query.q());
        }
        return true;
    }

    /** True when one of the summary's deliveries went to the endpoint of that name. */
    private static boolean deliveredTo(JsonNode summary, String endpoint) {
        for (JsonNode delivery : summary.path(DELIVERIES)) {
            if (endpoint.equals(text(delivery, "endpoint"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The list item: the summary's fields (no deliveries from a summary written before they were in it), the question cut
     * to its first {@value #QUESTION_CHARS} characters.
     */
    static ObjectNode item(JsonNode summary) {
        ObjectNode item = Json.object();
        for (String field : FIELDS) {
            JsonNode value = summary.get(field);
            item.set(field, value == null || !value.isTextual() ? Json.MAPPER.nullNode() : value);
        }
        ArrayNode deliveries = item.putArray(DELIVERIES);
        for (JsonNode delivery : summary.path(DELIVERIES)) {
            ObjectNode shown = deliveries.addObject();
            for (String field : DELIVERY_FIELDS) {
                JsonNode value = delivery.get(field);
                boolean fits = value != null && (field.equals("http_status") ? value.isIntegralNumber() : value.isTextual());
                shown.set(field, fits ? value : Json.MAPPER.nullNode());
            }
        }
        String question = text(summary, "question");
        if (question != null && question.codePointCount(0, question.length()) > QUESTION_CHARS) {
            item.put("question", question.substring(0, question.offsetByCodePoints(0, QUESTION_CHARS)));
        }
        return item;
    }

    // --- S3 ---

    private ListObjectsV2Response list(String folder, String startAfter, int maxKeys) {
        try {
            return bucket.client().listObjectsV2(r -> {
                r.bucket(bucket.name()).prefix(folder).maxKeys(maxKeys);
                if (startAfter != null) {
                    r.startAfter(startAfter);
                }
            });
        } catch (SdkException e) {
            throw unavailable("read", "list the index", e);
        }
    }

    /** The summaries of the entries, in their order ({@value #PARALLEL_READS} GETs at a time; null for one that is gone). */
    private List<JsonNode> read(String callerFolder, List<String> entries) {
        List<CompletableFuture<JsonNode>> reads = new ArrayList<>(entries.size());
        for (String entry : entries) {
            String key = bucket.key(IndexKeys.summaryPath(callerFolder, entry));
            reads.add(CompletableFuture.supplyAsync(() -> get(key), readers));
        }
        List<JsonNode> summaries = new ArrayList<>(entries.size());
        for (CompletableFuture<JsonNode> read : reads) {
            try {
                summaries.add(read.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RecordStoreUnavailable unavailable) {
                    throw unavailable;
                }
                throw e;
            }
        }
        return summaries;
    }

    private JsonNode get(String key) {
        try {
            JsonNode summary = Json.MAPPER.readTree(bucket.client().getObjectAsBytes(r -> r.bucket(bucket.name()).key(key)).asUtf8String());
            return summary.isObject() ? summary : null;
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw unavailable("read", "read the index", e);
        } catch (SdkException e) {
            throw unavailable("read", "read the index", e);
        } catch (JacksonException e) {
            return null; // not a summary of ours: skipped
        }
    }

    private void put(String path, String json) {
        try {
            bucket.client().putObject(r -> r.bucket(bucket.name()).key(bucket.key(path)).contentType("application/json"),
                    RequestBody.fromString(json));
        } catch (SdkException e) {
            throw unavailable("write", "write the index", e);
        }
    }

    private RecordStoreUnavailable unavailable(String operation, String what, SdkException e) {
        if (metrics != null) {
            metrics.recordStoreError(operation);
        }
        String status = e instanceof S3Exception s3e ? " HTTP " + s3e.statusCode() : "";
        return new RecordStoreUnavailable("question index: cannot " + what + " (" + e.getClass().getSimpleName() + status + ")", e);
    }

    private static ObjectNode withoutTime(ObjectNode summary) {
        ObjectNode copy = summary.deepCopy();
        copy.remove("updated_at");
        return copy;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }
}
