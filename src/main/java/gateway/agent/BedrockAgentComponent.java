package gateway.agent;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code bedrock-agent} component: calls a Bedrock Agent with InvokeAgent on the SDK's async
 * client. URI: {@code bedrock-agent:<agentId>?aliasId=...&options}; see {@link BedrockAgentEndpoint}.
 *
 * <p>Registered through {@code META-INF/services/org/apache/camel/component/bedrock-agent}, so the
 * scheme resolves without wiring. All its endpoints share one in-flight gauge, read with
 * {@link #inFlight()} and {@link #peakInFlight()}.
 */
@Component("bedrock-agent")
public class BedrockAgentComponent extends DefaultComponent {

    private final InFlightGauge gauge = new InFlightGauge();
    private final InFlightCalls calls = new InFlightCalls();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("bedrock-agent needs an agent id: bedrock-agent:<agentId>?aliasId=...");
        }
        BedrockAgentEndpoint endpoint = new BedrockAgentEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Agent calls in flight now, over all endpoints of this component. */
    public int inFlight() {
        return gauge.current();
    }

    /** Highest number of agent calls in flight at once since start (or the last reset). */
    public int peakInFlight() {
        return gauge.peak();
    }

    public InFlightGauge gauge() {
        return gauge;
    }

    /** The calls in flight by tracking id, over all endpoints of this component (to abort a cancelled question's). */
    public InFlightCalls calls() {
        return calls;
    }
}
