package gateway.endpoints;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import gateway.delivery.DeliveryTarget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code gateway_endpoint_state{caller,endpoint}} (0 healthy, 1 failing, 2 paused, 3 resuming) and
 * {@code gateway_parked_deliveries{caller,endpoint}}, and the counter {@code gateway_endpoint_probes_total}, for each endpoint this replica has seen: the state as it last read
 * or wrote it, the parked count as the last maintenance pass listed it (every replica lists the same lane). Labels name
 * endpoints, never a URL: a caller's callback URLs (one endpoint per scheme, host and port) share the label
 * {@code callback}, showing the worst state and the parked deliveries of all of them.
 */
public class EndpointGauges {

    private record Label(String caller, String endpoint) {
    }

    private final MeterRegistry registry;
    private final Map<Label, Map<EndpointRef, Long>> states = new ConcurrentHashMap<>();
    private final Map<Label, Map<EndpointRef, Long>> parked = new ConcurrentHashMap<>();

    public EndpointGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void state(EndpointHealth health) {
        values(states, "gateway.endpoint.state", "Endpoint state: 0 healthy, 1 failing, 2 paused, 3 resuming",
                health.endpoint(), v -> v.values().stream().mapToLong(Long::longValue).max().orElse(0))
                .put(health.endpoint(), (long) health.state().gauge());
    }

    public void parked(EndpointRef endpoint, long count) {
        values(parked, "gateway.parked.deliveries", "Deliveries parked for a paused endpoint", endpoint,
                v -> v.values().stream().mapToLong(Long::longValue).sum())
                .put(endpoint, count);
    }

    /** One probe sent ({@code gateway_endpoint_probes_total{caller,endpoint}}). */
    public void probed(EndpointRef endpoint) {
        Counter.builder("gateway.endpoint.probes").description("Probes sent to paused endpoints")
                .tag("caller", endpoint.callerLabel()).tag("endpoint", endpoint.isCallback() ? DeliveryTarget.CALLBACK : endpoint.name())
                .register(registry).increment();
    }

    private Map<EndpointRef, Long> values(Map<Label, Map<EndpointRef, Long>> all, String name, String description,
            EndpointRef endpoint, ToDoubleFunction<Map<EndpointRef, Long>> combine) {
        Label label = new Label(endpoint.callerLabel(), endpoint.isCallback() ? DeliveryTarget.CALLBACK : endpoint.name());
        return all.computeIfAbsent(label, l -> {
            Map<EndpointRef, Long> values = new ConcurrentHashMap<>();
            Gauge.builder(name, values, combine).description(description)
                    .tag("caller", l.caller()).tag("endpoint", l.endpoint()).register(registry);
            return values;
        });
    }
}
