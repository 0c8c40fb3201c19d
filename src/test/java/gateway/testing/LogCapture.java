package gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures everything the application logs (a Log4j appender on the root logger: message, MDC, exception
 * with stack trace), as the configured log writes it (after {@link gateway.logging.RedactSecrets}), and everything
 * printed to stdout and stderr, from {@link #start()} to {@link #close()}.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final Appender appender = new Appender();

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.install();
        return capture;
    }

    private void install() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
    }

    /** Every captured log event and printed line, as one text. */
    public synchronized String text() {
        return String.join("\n", events) + "\n" + printed.toString(StandardCharsets.UTF_8);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    private static final gateway.logging.RedactSecrets REDACTION = gateway.logging.RedactSecrets.create();

    private final class Appender extends AbstractAppender {
        Appender() {
            super("test-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent raw) {
            // as log4j2.xml has the log written: through the redacting rewrite policy
            LogEvent event = REDACTION.rewrite(raw);
            StringBuilder line = new StringBuilder()
                    .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
                    .append(event.getMessage().getFormattedMessage()).append(' ').append(event.getContextData());
            if (event.getThrown() != null) {
                StringWriter trace = new StringWriter();
                event.getThrown().printStackTrace(new PrintWriter(trace));
                line.append('\n').append(trace);
            }
            synchronized (LogCapture.this) {
                events.add(line.toString());
            }
        }
    }

    private final class Tee extends OutputStream {
        private final OutputStream original;

        Tee(OutputStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            synchronized (LogCapture.this) {
                printed.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                // the original stream is best effort
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (LogCapture.this) {
                printed.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException e) {
                // the original stream is best effort
            }
        }
    }
}
