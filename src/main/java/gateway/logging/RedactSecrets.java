package gateway.logging;

import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * The last guard of the log: every event passes through it ({@code log4j2.xml}: the root logger writes through a
 * {@code Rewrite} appender with this policy) and leaves without URL queries, URL user info, Bearer tokens, webhook
 * secrets or API key values ({@link Redaction}), in its message, its exception's message and every cause's. Camel's
 * own lines (its error handler quotes the exception, whose message may hold a receiver's whole URL) are covered as the
 * gateway's are. An exception whose text had to change is replaced by a {@link RedactedException} that keeps its class
 * name (in its text), its stack trace and its causes.
 */
@Plugin(name = "RedactSecrets", category = Core.CATEGORY_NAME, elementType = "rewritePolicy", printObject = true)
public final class RedactSecrets implements RewritePolicy {

    private static final RedactSecrets INSTANCE = new RedactSecrets();

    @PluginFactory
    public static RedactSecrets create() {
        return INSTANCE;
    }

    @Override
    public LogEvent rewrite(LogEvent event) {
        String message = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
        String redacted = Redaction.redact(message);
        Throwable thrown = event.getThrown();
        Throwable redactedThrown = RedactedException.of(thrown);
        if (redacted == message && redactedThrown == thrown) {
            return event;
        }
        Log4jLogEvent.Builder copy = new Log4jLogEvent.Builder(event).setThrown(redactedThrown).setThrownProxy(null);
        if (redacted != message) {
            copy.setMessage(new SimpleMessage(redacted));
        }
        return copy.build();
    }

    @Override
    public String toString() {
        return "RedactSecrets";
    }
}
