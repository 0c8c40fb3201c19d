package gateway.tracking;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.flow.FlowProperties;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The write of a record ({@code routes.TrackingRoute}): the changes of one record that the record-change step put
 * together ({@link #CHANGE} each, a {@link StageEvent}) in one update of the record, and what the route decides on from
 * the record as written. The routes decide when and on which thread a change is written, retry the store and give up on
 * it: this is the only step of the tracking that calls S3 to write.
 */
public class RecordWriter {

    /** Exchange property: the stage's change ({@link StageEvent}) a record step hands to the record-change step. */
    public static final String CHANGE = "record_change";
    /**
     * Exchange property: how the change is written: {@link #NOW} (in line, before the route goes on),
     * {@link #END} (the delivery's end: by a record writer at once, then the export); unset, it waits for company.
     */
    public static final String WRITE = "record_write";
    public static final String NOW = "now";
    public static final String END = "end";
    /**
     * Exchange property: the record as written. On the write's own exchange (the export's source); and, after a change
     * written {@link #NOW}, on the exchange of the stage that made it ({@link #writtenOf}): what the stage reads back.
     */
    public static final String WRITTEN_RECORD = "written_record";
    /** Exchange property: the object key of the export's file being written. */
    public static final String EXPORT_KEY = "export_key";

    private final S3RecordStore store;

    public RecordWriter(S3RecordStore store) {
        this.store = store;
    }

    /**
     * One update of the record with the changes in order; returns the record as written, which each change also keeps
     * ({@link StageEvent#written()}). When the first is the intake's "queued", the record is new: it is created without
     * being read first ({@link S3RecordStore#create}). {@link RecordStoreUnavailable} when the store cannot be used (the
     * route retries it). The record names its entry in the question index once ({@link QuestionIndex#place}); when the
     * write changed the question's summary there, {@link QuestionIndex#UPDATE} is set on {@code exchange} (null: not set).
     */
    public ObjectNode write(@ExchangeProperty(FlowProperties.TRACKING_ID) String id, @Body List<StageEvent> events,
            Exchange exchange) {
        // the question's summary in the index before the change (of the version the last attempt changed)
        AtomicReference<ObjectNode> before = new AtomicReference<>();
        UnaryOperator<ObjectNode> change = current -> {
            before.set(QuestionIndex.before(current));
            ObjectNode record = current;
            for (StageEvent event : events) {
                record = TrackingRecord.apply(record, id, event);
            }
            QuestionIndex.place(record);
            return record;
        };
        boolean fresh = events.get(0).status() == TrackingStatus.QUEUED;
        ObjectNode written = fresh ? store.create(id, change) : store.update(id, change);
        events.forEach(event -> event.written().set(written));
        if (exchange != null) {
            // the index follows the record as written: its summary when that changed (the route's next step)
            QuestionIndex.Update update = QuestionIndex.update(before.get(), written);
            if (update != null) {
                exchange.setProperty(QuestionIndex.UPDATE, update);
            } else {
                exchange.removeProperty(QuestionIndex.UPDATE);
            }
        }
        return written;
    }

    /**
     * The record as written with the stage's change ({@link #CHANGE}) when that was written in line ({@link #NOW});
     * null when its write was given up.
     */
    public ObjectNode writtenOf(@ExchangeProperty(CHANGE) StageEvent change) {
        return change == null ? null : change.written().get();
    }

    /**
     * The record-writer's export filter: a delivery's end ({@link #END}) whose written record says the request is
     * over ({@link TrackingRecord#requestOver}); or whose write was given up (the export then reads the record, as before).
     */
    public boolean exportDue(@ExchangeProperty(WRITE) String write, @ExchangeProperty(WRITTEN_RECORD) ObjectNode written) {
        return END.equals(write) && (written == null || TrackingRecord.requestOver(written));
    }

    /** The record as read, for the export of a delivery's end whose write was given up (null if none). */
    public ObjectNode storedRecord(@ExchangeProperty(RecordLookup.STORED_RECORD) S3RecordStore.Stored stored) {
        return stored == null ? null : stored.record();
    }
}
