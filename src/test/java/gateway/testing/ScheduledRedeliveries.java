package gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The redelivery delays Camel's error handler scheduled, as it decided them: each time it plans a
 * redelivery it logs (at DEBUG) "Redelivery delay calculated as N" (its redelivery policy: backoff and
 * jitter) or "Redelivery delay is N from Message Header [CamelRedeliveryDelay]" (a delay the route set,
 * e.g. from {@code Retry-After}). This turns that logger to DEBUG from {@link #start()} to {@link #close()}
 * and keeps each decision with the route id and the {@code tracking_id} from the MDC. Only the first
 * decision of an exchange is sure to carry its tracking id: the later ones are made on Camel's redelivery
 * threads, whose MDC has the route id but not the tracking id (nor an exchange id). So a test reads the
 * decisions of a route while its exchange is the only one retrying there, and checks that no other
 * tracking id shows.
 *
 * <p>Tests assert these values instead of the time measured between two attempts, which scheduling on
 * a busy machine stretches or squeezes.
 */
public final class ScheduledRedeliveries implements AutoCloseable {

    static final String LOGGER = "org.apache.camel.processor.errorhandler.RedeliveryErrorHandler";
    private static final Pattern DELAY = Pattern.compile("^Redelivery delay (calculated as|is) (-?\\d+)");

    /** One scheduled redelivery: its delay, and whether it came from the {@code CamelRedeliveryDelay} header. */
    public record Scheduled(String routeId, String trackingId, long delayMillis, boolean fromHeader) {
    }

    private final List<Scheduled> scheduled = new ArrayList<>();
    private final Appender appender = new Appender();

    private ScheduledRedeliveries() {
    }

    public static ScheduledRedeliveries start() {
        ScheduledRedeliveries capture = new ScheduledRedeliveries();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        capture.appender.start();
        LoggerConfig logger = new LoggerConfig(LOGGER, Level.DEBUG, true);
        logger.addAppender(capture.appender, Level.DEBUG, null);
        config.addLogger(LOGGER, logger);
        context.updateLoggers();
        return capture;
    }

    /** The delays scheduled in this route since {@link #start()}, in order. */
    public synchronized List<Scheduled> inRoute(String routeId) {
        return scheduled.stream().filter(s -> routeId.equals(s.routeId())).toList();
    }

    /** Every delay scheduled since {@link #start()}, in order. */
    public synchronized List<Scheduled> all() {
        return List.copyOf(scheduled);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger(LOGGER);
        context.updateLoggers();
        appender.stop();
    }

    private final class Appender extends AbstractAppender {
        Appender() {
            super("scheduled-redeliveries", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            Matcher m = DELAY.matcher(event.getMessage().getFormattedMessage());
            if (m.find()) {
                Scheduled s = new Scheduled(event.getContextData().getValue("camel.routeId"),
                        event.getContextData().getValue("tracking_id"), Long.parseLong(m.group(2)), "is".equals(m.group(1)));
                synchronized (ScheduledRedeliveries.this) {
                    scheduled.add(s);
                }
            }
        }
    }
}
