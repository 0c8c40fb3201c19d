package gateway.tracking;

import java.util.ArrayList;
import java.util.List;

import gateway.flow.FlowProperties;
import gateway.tracing.GatewaySpans;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.support.DefaultExchange;

/**
 * The aggregation strategy of the record-change step: puts the changes ({@link TrackingRecords#CHANGE}) to one
 * record, in the order they arrive, into the body of one exchange of its own (a {@code List<StageEvent>} and
 * the tracking id: nothing else of the stages' exchanges, whose error-handling state must not follow the
 * write). A change to be written now ({@link TrackingRecords#WRITE}) completes the group at once, with what
 * waited for it.
 */
public class RecordChanges implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange group, Exchange change) {
        if (group == null) {
            group = new DefaultExchange(change.getContext());
            group.setProperty(FlowProperties.TRACKING_ID, change.getProperty(FlowProperties.TRACKING_ID));
            group.getMessage().setBody(new ArrayList<StageEvent>(4));
        }
        @SuppressWarnings("unchecked")
        List<StageEvent> events = group.getMessage().getBody(List.class);
        events.add(change.getProperty(RecordWriter.CHANGE, StageEvent.class));
        // the write is part of the question's trace: of its latest change's (docs/tracing.md)
        GatewaySpans.continueTrace(change, group);
        String write = change.getProperty(RecordWriter.WRITE, String.class);
        if (write != null) {
            group.setProperty(RecordWriter.WRITE, write);
            group.setProperty(ExchangePropertyKey.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        return group;
    }
}
