package gateway.logging;

import java.net.ConnectException;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.rewrite.RewriteAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP operation failed invoking https://hooks.example.com/cb/x?token=SECRET123 with statusCode: 503",
            "POST http://127.0.0.1:8080/a/b?sig=SECRET123&x=1 failed",
            "url=\"https://crm.example.com/in?code=SECRET123\"",
            "to https://user:SECRET123@crm.example.com/hooks",
            "Authorization: Bearer SECRET123",
            "header authorization=bearer SECRET123",
            "X-API-Key: SECRET123",
            "x-api-key=SECRET123&y=1",
            "secret whsec_SECRET123+/= in force",
            "ftp://a.example/b?SECRET123"})
    void secretsAreMasked(String text) {
        String redacted = Redaction.redact(text);
        assertThat(redacted).doesNotContain("SECRET123").contains(Redaction.MASK);
    }

    @Test
    void whatAnOperatorNeedsStays() {
        // the query is masked up to the next space: a token may hold any character a URL allows, a ')' too
        String line = "Delivery to crm/answers (https://hooks.example.com:8443/cb/path?token=abc) failed: HTTP 503";
        assertThat(Redaction.redact(line)).isEqualTo("Delivery to crm/answers (https://hooks.example.com:8443/cb/path?*** failed: HTTP 503");
        String plain = "Queued 3f0c9a52 from crm for caller crm";
        assertThat(Redaction.redact(plain)).isSameAs(plain);
        assertThat(Redaction.redact(null)).isNull();
    }

    @Test
    void theRewritePolicyMasksTheMessageAndEveryExceptionInTheChain() {
        Exception failure = new IllegalStateException("HTTP operation failed invoking https://r.example/x?token=SECRET123",
                new ConnectException("to https://u:SECRET123@r.example/"));
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("camel").setLevel(Level.WARN)
                .setMessage(new SimpleMessage("Failed delivery https://r.example/x?token=SECRET123")).setThrown(failure).build();
        LogEvent clean = RedactSecrets.create().rewrite(event);
        assertThat(clean.getMessage().getFormattedMessage()).isEqualTo("Failed delivery https://r.example/x?***");
        assertThat(clean.getThrown()).isInstanceOf(RedactedException.class);
        assertThat(clean.getThrown().toString()).startsWith("java.lang.IllegalStateException: ").doesNotContain("SECRET123");
        assertThat(clean.getThrown().getCause().toString()).startsWith("java.net.ConnectException").doesNotContain("SECRET123");
        assertThat(clean.getThrown().getStackTrace()).isEqualTo(failure.getStackTrace());
        LogEvent harmless = Log4jLogEvent.newBuilder().setLevel(Level.INFO).setMessage(new SimpleMessage("started")).build();
        assertThat(RedactSecrets.create().rewrite(harmless)).isSameAs(harmless);
    }

    @Test
    void theShippedLogConfigurationWritesEveryLineThroughThePolicy() throws Exception {
        ConfigurationSource source = ConfigurationSource.fromResource("log4j2.xml", getClass().getClassLoader());
        Configuration config = new XmlConfiguration(new LoggerContext("redaction-test"), source);
        config.initialize();
        assertThat(config.getRootLogger().getAppenderRefs()).extracting(ref -> ref.getRef()).containsExactly("redacted");
        RewriteAppender redacted = (RewriteAppender) config.getAppenders().get("redacted");
        assertThat(redacted).isNotNull();
        assertThat(redacted.toString()).contains("redacted");
        assertThat(List.of(config.getAppenders().keySet().toArray())).contains("stdout");
        // every other logger's lines reach the root's appender (none has an appender of its own)
        config.getLoggers().values().stream().filter(logger -> !logger.getName().isEmpty())
                .forEach(logger -> assertThat(logger.getAppenderRefs()).as(logger.getName()).isEmpty());
    }
}
