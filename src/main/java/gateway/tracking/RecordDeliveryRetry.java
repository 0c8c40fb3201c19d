package gateway.tracking;

import gateway.delivery.AttemptReport;
import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;

/**
 * The delivery error handler's {@code onRedelivery} step ({@code recordDeliveryRetry}): the failed attempt goes to the
 * tracking record as a change of its own, on a fresh exchange sent to the record-change step (the delivery's exchange,
 * in the middle of its redelivery, stays as it is), and the next attempt's clock starts (its duration in the attempt
 * log).
 */
public class RecordDeliveryRetry implements Processor {

    private final ProducerTemplate changes;
    private final String recordChange;
    private final DeliveryStageRecords records;

    /**
     * @param changes      sends the change
     * @param recordChange the record-change step's endpoint ({@code routes.TrackingRoute#RECORD_CHANGE})
     */
    public RecordDeliveryRetry(ProducerTemplate changes, String recordChange, DeliveryStageRecords records) {
        this.changes = changes;
        this.recordChange = recordChange;
        this.records = records;
    }

    @Override
    public void process(Exchange exchange) {
        StageEvent retry = records.deliveryRetry(exchange);
        changes.send(recordChange, change -> {
            change.setProperty(FlowProperties.TRACKING_ID, exchange.getProperty(FlowProperties.TRACKING_ID));
            change.setProperty(RecordWriter.CHANGE, retry);
        });
        AttemptReport.restart(exchange);
    }
}
