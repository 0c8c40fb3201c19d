package gateway.intake;

import java.util.UUID;

import org.apache.camel.Exchange;
import org.slf4j.MDC;

/** Tracking ids: random UUIDs, the same format the original handed out. */
public final class TrackingIds {

    public static final String PROPERTY = "tracking_id";

    private TrackingIds() {
    }

    /** Gives the exchange its tracking id: an exchange property, and the MDC key every log line carries. */
    public static void assign(Exchange exchange) {
        String id = newId();
        exchange.setProperty(PROPERTY, id);
        MDC.put(PROPERTY, id);
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
