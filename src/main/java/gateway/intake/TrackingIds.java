package gateway.intake;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.slf4j.MDC;

/** Tracking ids: random UUIDs, the same format the original handed out. */
public final class TrackingIds {


    private TrackingIds() {
    }

    /** Gives the exchange its tracking id: an exchange property, and the MDC key every log line carries. */
    public static void assign(Exchange exchange) {
        String id = newId();
        exchange.setProperty(FlowProperties.TRACKING_ID, id);
        MDC.put(FlowProperties.TRACKING_ID, id);
    }

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The tracking id in its canonical (lower-case) form, or empty when {@code text} is not a UUID. */
    public static Optional<String> parse(String text) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(text.toLowerCase(Locale.ROOT));
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
