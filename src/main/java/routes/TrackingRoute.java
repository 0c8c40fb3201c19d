package routes;

import java.util.concurrent.RejectedExecutionException;

import gateway.flow.FlowProperties;
import gateway.tracking.QuestionIndex;
import gateway.tracking.RecordChanges;
import gateway.tracking.RecordLookup;
import gateway.tracking.RecordStoreUnavailable;
import gateway.tracking.RecordWriter;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.concurrent.SynchronousExecutorService;

import static org.apache.camel.builder.PredicateBuilder.and;

/**
 * The tracking records and the conversation export: every S3 call the tracking makes, in the order it makes
 * them. The stages' record steps set their change ({@link RecordWriter#CHANGE}) and call one of
 * {@link #RECORD_CHANGE} (waits for the record's next changes), {@link #RECORD_NOW} (the agent's result: written
 * before the route goes on) or {@link #RECORD_END} (the delivery's end: written at once by a record writer, then
 * exported). The changes to one record that meet in the record-change step share one PUT: in the normal flow
 * "queued" + "processing" + "answered", then "delivering" + "delivered". A write that changes the question's summary in
 * the question index ({@link QuestionIndex}: status, outcome, session) is followed by that summary's PUT. Every store call is retried here (the
 * {@code recordStoreRetryPolicy}: {@code RECORD_STORE_TRIES}, {@code RECORD_STORE_RETRY_DELAY_MS} doubling), then given
 * up: logged, counted in {@code gateway_record_store_errors_total}, never thrown into the flow, which does not wait for
 * the store.
 *
 * <p>These routes are shut down after the stages' routes ({@link ShutdownRoute#Defer}): the stages still record
 * what their last messages do, and whatever waits is written before the stop.
 */
public class TrackingRoute extends RouteBuilder {

    /** A change that waits {@code TRACKING_WRITE_DELAY_MS} for the record's next changes, then goes to a record writer. */
    public static final String RECORD_CHANGE = "direct:record-change";
    /** A change written now, in the caller's thread, with whatever waits for the same record. */
    public static final String RECORD_NOW = "direct:record-now";
    /** The delivery's end: written at once on a record writer, with whatever waits, then exported. */
    public static final String RECORD_END = "direct:record-end";
    /** Sets {@link RecordLookup#STORED_RECORD} (or {@link RecordLookup#STORE_UNAVAILABLE}); the body is untouched. */
    public static final String READ_RECORD = "direct:read-record";
    /** The never-pay-twice check before the agent is asked (see {@link RecordLookup#lookup}). */
    public static final String LOOKUP_RECORD = "direct:lookup-record";

    static final String WRITE_RECORD = "direct:write-record";
    static final String WRITE_INDEX = "direct:write-index";
    static final String RECORD_WRITER = "direct:record-writer";
    static final String EXPORT = "direct:export-conversation";

    @Override
    public void configure() {
        String gaveUp = "Record store: gave up on '%s' for ${exchangeProperty." + FlowProperties.TRACKING_ID
                + "} after {{gateway.tracking.store-tries}} tries: ${exception.message}";

        // --- reads ---

        // the record as S3 holds it now; given up: STORE_UNAVAILABLE (the caller decides what that means)
        from(READ_RECORD)
            .routeId("tracking-read").shutdownRoute(ShutdownRoute.Defer)
            .onException(RecordStoreUnavailable.class)
                .redeliveryPolicyRef("recordStoreRetryPolicy")
                .continued(true)
                .setProperty(RecordLookup.STORE_UNAVAILABLE, constant(true))
                .log(LoggingLevel.WARN, String.format(gaveUp, "read"))
                .removeProperty(Exchange.EXCEPTION_CAUGHT)
            .end()
            .removeProperty(RecordLookup.STORE_UNAVAILABLE)
            .setProperty(RecordLookup.STORED_RECORD,
                    method("recordStore", "current(${exchangeProperty." + FlowProperties.TRACKING_ID + "})")).id("get-record");

        // never pay twice: an earlier receive may have stored the agent's result (not read on a first receive)
        from(LOOKUP_RECORD)
            .routeId("tracking-lookup").shutdownRoute(ShutdownRoute.Defer)
            .filter(method("recordLookup", "earlierReceive"))
                .to(READ_RECORD).id("read-stored-record")
                // an operator's redrive from the DLQ since: status "processing" again, in the record at once
                .setProperty(RecordWriter.CHANGE, method("recordLookup", "redrive"))
                .filter(exchangeProperty(RecordWriter.CHANGE).isNotNull())
                    .to(RECORD_NOW).id("record-redrive")
                .end()
                .bean("recordLookup", "lookup")
            .end();

        // --- writes ---

        // one GET (unless this process holds the record's last version) and one conditional PUT for the changes
        // of the moment; given up: WRITTEN_RECORD stays unset (the export then reads the record)
        from(WRITE_RECORD)
            .routeId("tracking-write").shutdownRoute(ShutdownRoute.Defer)
            .onException(RecordStoreUnavailable.class)
                .redeliveryPolicyRef("recordStoreRetryPolicy")
                .continued(true)
                .log(LoggingLevel.WARN, String.format(gaveUp, "write"))
            .end()
            .setProperty(RecordWriter.WRITTEN_RECORD, method("recordWriter", "write")).id("put-record")
            // the question's summary in the index (GET /webhook), when the write changed it
            .filter(exchangeProperty(QuestionIndex.UPDATE).isNotNull())
                .to(WRITE_INDEX).id("write-index")
            .end();

        // one PUT of the question's summary (and one of its session's marker, the first time it has that session);
        // given up: the index shows the question as it was until its next change (logged, counted)
        from(WRITE_INDEX)
            .routeId("tracking-index").shutdownRoute(ShutdownRoute.Defer)
            .onException(RecordStoreUnavailable.class)
                .redeliveryPolicyRef("recordStoreRetryPolicy")
                .continued(true)
                .log(LoggingLevel.WARN, String.format(gaveUp, "index"))
                .removeProperty(Exchange.EXCEPTION_CAUGHT)
            .end()
            .bean("questionIndex", "write").id("put-index-entry")
            .removeProperty(QuestionIndex.UPDATE);

        // the record writers (RECORD_WRITER_THREADS, RECORD_WRITER_QUEUE waiting): off the routes' path. When they
        // are saturated the write is dropped (WARN, counted), never a message nor the route's thread held
        from(RECORD_WRITER)
            .routeId("tracking-writer").shutdownRoute(ShutdownRoute.Defer)
            .onException(RejectedExecutionException.class)
                .handled(true)
                .bean("flowMetrics", "recordStoreError('queue_full')")
                .log(LoggingLevel.WARN, "Record writers are saturated: a tracking record update was dropped")
            .end()
            .threads().executorService("recordWriters")
            .to(WRITE_RECORD).id("write-record-later")
            // a delivery has ended and with it the request (every delivery of its result has): the conversation
            // export, from the record just written (or, when that write was given up, from the record as stored)
            .filter(method("recordWriter", "exportDue"))
                .to(EXPORT).id("export-conversation")
            .end();

        // the changes to one record that meet here within TRACKING_WRITE_DELAY_MS are written together; a change
        // to be written now completes its record's group at once (RecordChanges); on a stop, what waits is written
        from(RECORD_CHANGE)
            .routeId("tracking-changes").shutdownRoute(ShutdownRoute.Defer)
            .filter(and(exchangeProperty(RecordWriter.CHANGE).isNotNull(), exchangeProperty(FlowProperties.TRACKING_ID).isNotNull()))
            .aggregate(exchangeProperty(FlowProperties.TRACKING_ID), new RecordChanges()).id("coalesce-record-changes")
                // TRACKING_WRITE_DELAY_MS after the record's latest change (looked at every 50 ms); 0: at once
                .completionTimeout("{{gateway.tracking.write-delay-ms}}").completionTimeoutCheckerInterval(50)
                .completionPredicate(simple("${properties:gateway.tracking.write-delay-ms} == 0"))
                // a completed group goes on in the thread that completed it (the caller's for a write now, the
                // timeout checker's, which only hands it to a record writer, the stopping one's), not on a thread
                // of the aggregator's own
                .executorService(new SynchronousExecutorService())
                .forceCompletionOnStop()
                .completeAllOnStop()
                .choice()
                    // the agent's result: in this thread, before the route goes on (never pay twice)
                    .when(exchangeProperty(RecordWriter.WRITE).isEqualTo(RecordWriter.NOW))
                        .to(WRITE_RECORD).id("write-record-now")
                    // the delay is over, the delivery has ended, or the app stops: to a record writer
                    .otherwise()
                        .to(RECORD_WRITER).id("to-record-writer")
                .end()
            .end()
            .end()
            // a change written now: its stage reads the record as written back (a result whose question was cancelled
            // meanwhile is not delivered)
            .filter(exchangeProperty(RecordWriter.WRITE).isEqualTo(RecordWriter.NOW))
                .setProperty(RecordWriter.WRITTEN_RECORD, method("recordWriter", "writtenOf"))
            .end()
            .removeProperty(RecordWriter.CHANGE)
            .removeProperty(RecordWriter.WRITE);

        from(RECORD_NOW)
            .routeId("tracking-now").shutdownRoute(ShutdownRoute.Defer)
            .setProperty(RecordWriter.WRITE, constant(RecordWriter.NOW))
            .to(RECORD_CHANGE);

        from(RECORD_END)
            .routeId("tracking-end").shutdownRoute(ShutdownRoute.Defer)
            .setProperty(RecordWriter.WRITE, constant(RecordWriter.END))
            .to(RECORD_CHANGE);

        // --- the conversation export: three PUTs under conversation-history/year=/month=/day=/<tracking_id>/ ---

        from(EXPORT)
            .routeId("tracking-export").shutdownRoute(ShutdownRoute.Defer)
            .onException(RecordStoreUnavailable.class)
                .redeliveryPolicyRef("recordStoreRetryPolicy")
                .handled(true)
                .log(LoggingLevel.WARN, String.format(gaveUp, "export"))
            .end()
            .filter(simple("{{gateway.export.enabled}}"))
                // the delivery's end could not be written: the record as stored
                .filter(exchangeProperty(RecordWriter.WRITTEN_RECORD).isNull())
                    .to(READ_RECORD).id("read-exported-record")
                    .setProperty(RecordWriter.WRITTEN_RECORD, method("recordWriter", "storedRecord"))
                .end()
                .filter(exchangeProperty(RecordWriter.WRITTEN_RECORD).isNotNull())
                    .setProperty(RecordWriter.EXPORT_KEY, method("conversationExport", exportKey("conversation.json")))
                    .setBody(method("conversationExport", "conversationJson"))
                    .bean("recordStore", "putObject").id("put-conversation")
                    .setProperty(RecordWriter.EXPORT_KEY, method("conversationExport", exportKey("metadata.json")))
                    .setBody(method("conversationExport", "metadataJson"))
                    .bean("recordStore", "putObject").id("put-metadata")
                    .setProperty(RecordWriter.EXPORT_KEY, method("conversationExport", exportKey("summary.json")))
                    .setBody(method("conversationExport", "summaryJson"))
                    .bean("recordStore", "putObject").id("put-summary")
                .end()
            .end();
    }

    private static String exportKey(String file) {
        return "key(${exchangeProperty." + RecordWriter.WRITTEN_RECORD + "}, '" + file + "')";
    }
}
