package gateway.sqs;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code sqs-batch} component: sends messages to, or deletes messages from, an SQS queue the way
 * {@code aws2-sqs} does, but lets concurrent exchanges share {@code SendMessageBatch} /
 * {@code DeleteMessageBatch} calls (see {@link SqsBatchEndpoint}). Each exchange still continues only when
 * its own entry has succeeded, and fails with that entry's error when it has not.
 *
 * <p>Registered through {@code META-INF/services/org/apache/camel/component/sqs-batch}. The component's
 * options are the defaults of its endpoints; {@code application.properties} sets them
 * ({@code camel.component.sqs-batch.*}).
 */
@Component("sqs-batch")
public class SqsBatchComponent extends DefaultComponent {

    @Metadata(defaultValue = "4", description = "The endpoints' default maxInFlight: batch calls in flight at once per endpoint.")
    private int maxInFlight = 4;
    @Metadata(defaultValue = "262144", description = "The endpoints' default maxBatchBytes: most message bytes in one SendMessageBatch.")
    private int maxBatchBytes = 262_144;
    @Metadata(label = "advanced", autowired = false,
            description = "Where each endpoint reports its batch sizes (gateway.sqs.batch.entries); none if unset.")
    private MeterRegistry meterRegistry;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("sqs-batch needs a queue name: sqs-batch:<queueName>");
        }
        SqsBatchEndpoint endpoint = new SqsBatchEndpoint(uri, this, remaining);
        endpoint.setMaxInFlight(maxInFlight);
        endpoint.setMaxBatchBytes(maxBatchBytes);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    /** Batch calls in flight at once per endpoint (and so the endpoint's threads); default 4. */
    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    /** Where each endpoint reports its batch sizes ({@code gateway_sqs_batch_entries}); none if unset. */
    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public int getMaxBatchBytes() {
        return maxBatchBytes;
    }

    /** Most message bytes (bodies and attributes) in one SendMessageBatch; SQS's limit is 256 KiB. */
    public void setMaxBatchBytes(int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }
}
