package gateway.callers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.security.ApiKeys;
import gateway.testing.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static gateway.callers.CallersFileTest.KEY_1;
import static gateway.callers.CallersFileTest.KEY_2;
import static gateway.callers.CallersFileTest.OWN_SECRET;
import static gateway.callers.CallersFileTest.SECRET_1;
import static gateway.callers.CallersFileTest.SECRET_2;
import static gateway.callers.CallersFileTest.SETTINGS_KEY;
import static gateway.callers.CallersFileTest.TOKEN;
import static gateway.callers.CallersFileTest.ZAP_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerDirectoryTest {

    static final String SCHED_KEY = "sched-key-1-0123456789abcdef";
    static final ApiKeys SETTINGS = ApiKeys.parse("ops:" + SETTINGS_KEY + ",ops:ops-key-2-0123456789abcdef");
    static final CallersFile.Rules RULES = new CallersFile.Rules(false, SETTINGS, "signed");
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(T0);

    /** The valid file plus a third caller, sched, that has callback URLs only. */
    static String withSched() {
        return CallersFileTest.valid() + """
                  - name: sched
                    api_keys: ["%s"]
                    signing_secrets: ["%s"]
                    callback_urls: ["https://jobs.example.org/cb/*"]
                """.formatted(SCHED_KEY, SECRET_2);
    }

    private CallerDirectory directory(Path file) {
        return new CallerDirectory(file, RULES, true, registry, clock);
    }

    @Test
    void withoutAFileOnlyTheSettingsCallers() {
        CallerDirectory callers = directory(null);
        assertThatThrownBy(callers::current).isInstanceOf(IllegalStateException.class);
        callers.load();
        assertThat(callers.current().settingsCallerNames()).containsExactly("ops");
        assertThat(callers.current().fileCallers()).isEmpty();
        assertThat(callers.current().callerFor(SETTINGS_KEY)).hasValue("ops");
        assertThat(callers.reload()).isFalse();
        assertThat(gauge("file")).isZero();
        assertThat(gauge("settings")).isEqualTo(1);
        JsonNode view = callers.describe();
        assertThat(view.get("file").isNull()).isTrue();
        assertThat(view.path("callers")).extracting(c -> c.path("source").asText()).containsExactly("settings", "inbound_signature");
    }

    @Test
    void loadsTheFileAtStart() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        try (LogCapture log = LogCapture.start()) {
            callers.load();
            assertThat(log.text()).contains("Callers file " + file + " loaded: 2 callers (crm, zap)")
                    .doesNotContain(KEY_1).doesNotContain(SECRET_1).doesNotContain(TOKEN);
        }
        Callers current = callers.current();
        assertThat(current.callerFor(KEY_2)).hasValue("crm");
        assertThat(current.callerFor(SETTINGS_KEY)).hasValue("ops");
        assertThat(current.fileCaller("zap")).isPresent();
        assertThat(gauge("file")).isEqualTo(2);
        assertThat(gauge("settings")).isEqualTo(1);
        assertThat(reloads("applied")).isZero();
        assertThat(reloads("refused")).isZero();
    }

    @Test
    void aBrokenOrMissingFileStopsTheStartWithOneLine() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid().replace("name: answers", "name: Answers"));
        assertThatThrownBy(() -> directory(file).load()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CALLERS_FILE: caller 'crm': webhooks[1].name: must be")
                .message().doesNotContain("\n").doesNotContain(KEY_1).doesNotContain(SECRET_1);
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> directory(missing).load()).isInstanceOf(IllegalStateException.class)
                .hasMessage("CALLERS_FILE: cannot read " + missing + " (NoSuchFileException)");
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {'c', 'a', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> directory(binary).load()).hasMessage("CALLERS_FILE: not UTF-8 text");
        Path huge = write("huge.yaml", "#".repeat(CallerDirectory.MAX_FILE_BYTES + 1));
        assertThatThrownBy(() -> directory(huge).load()).hasMessageContaining("is larger than " + CallerDirectory.MAX_FILE_BYTES);
    }

    @Test
    void aVersionThatLeavesNoKeyIsRefusedWhileKeysAreTheOnlyCredential() throws IOException {
        CallersFile.Rules fileOnly = new CallersFile.Rules(false, ApiKeys.none(), null);
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = new CallerDirectory(file, fileOnly, true, registry, clock);
        callers.load();
        Files.writeString(file, "callers: []\n");
        try (LogCapture log = LogCapture.start()) {
            assertThat(callers.reload()).isFalse();
            assertThat(log.text()).contains("Callers file change refused").contains("no API key left in force");
        }
        assertThat(callers.current().callerFor(KEY_1)).as("the version in force stays").hasValue("crm");
        assertThat(callers.isEmpty()).isFalse();
        assertThat(reloads("refused")).isEqualTo(1);
        assertThat(callers.describe().path("refused").path("error").asText()).contains("no API key left in force");
        // at start such a file is no start at all
        assertThatThrownBy(() -> new CallerDirectory(file, fileOnly, true, registry, clock).load())
                .hasMessageStartingWith("CALLERS_FILE: no API key left in force");
        // with inbound signatures as the credential, a file without callers is a valid (if quiet) version
        CallerDirectory signed = new CallerDirectory(file, new CallersFile.Rules(false, ApiKeys.none(), "signed"), false, registry, clock);
        signed.load();
        assertThat(signed.current().hasKeys()).isFalse();
    }

    @Test
    void anUnchangedFileIsLeftAlone() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        callers.load();
        Callers before = callers.current();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(T0.plusSeconds(60))); // touched, same bytes
        assertThat(callers.reload()).isFalse();
        assertThat(callers.current()).isSameAs(before);
        assertThat(reloads("applied")).isZero();
        assertThat(reloads("refused")).isZero();
    }

    @Test
    void aValidChangeIsApplied() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        callers.load();
        clock.set(T0.plusSeconds(30));
        write("callers.yaml", withSched());
        try (LogCapture log = LogCapture.start()) {
            assertThat(callers.reload()).isTrue();
            assertThat(log.text()).contains("Callers file reloaded: 3 callers (crm, zap, sched)").doesNotContain(SCHED_KEY);
        }
        assertThat(callers.current().callerFor(SCHED_KEY)).hasValue("sched");
        assertThat(reloads("applied")).isEqualTo(1);
        assertThat(gauge("file")).isEqualTo(3);
        assertThat(callers.describe().get("loaded_at").asText()).startsWith("2026-12-01T10:00:30");
        assertThat(callers.reload()).isFalse(); // and now it is unchanged
        assertThat(reloads("applied")).isEqualTo(1);
    }

    @Test
    void aBrokenChangeIsRefusedAndThePreviousStaysInForceUntilItIsFixed() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        callers.load();
        Callers before = callers.current();

        clock.set(T0.plusSeconds(30));
        write("callers.yaml", withSched().replace("https://jobs.example.org/cb/*", "http://jobs.example.org/cb/*"));
        try (LogCapture log = LogCapture.start()) {
            assertThat(callers.reload()).isFalse();
            assertThat(log.events()).anySatisfy(line -> assertThat(line).startsWith("ERROR")
                    .contains("Callers file change refused, the version loaded at 2026-12-01T10:00:00")
                    .contains("CALLERS_FILE: caller 'sched': callback_urls[1]: must be an https URL pattern"));
            assertThat(log.text()).doesNotContain(SCHED_KEY).doesNotContain(SECRET_2);
        }
        assertThat(callers.current()).isSameAs(before);
        assertThat(callers.current().callerFor(SCHED_KEY)).isEmpty();
        assertThat(callers.current().callerFor(KEY_1)).hasValue("crm");
        assertThat(reloads("refused")).isEqualTo(1);
        assertThat(registry.get("gateway.callers.file.refused").gauge().value()).isEqualTo(1);
        ObjectNode view = callers.describe();
        assertThat(view.path("refused").path("error").asText()).startsWith("CALLERS_FILE: caller 'sched': callback_urls[1]");
        assertThat(view.path("refused").path("at").asText()).startsWith("2026-12-01T10:00:30");
        assertThat(view.path("loaded_at").asText()).startsWith("2026-12-01T10:00:00");

        assertThat(callers.reload()).isFalse(); // the same broken version is reported once
        assertThat(reloads("refused")).isEqualTo(1);

        clock.set(T0.plusSeconds(60));
        write("callers.yaml", withSched());
        assertThat(callers.reload()).isTrue();
        assertThat(callers.current().callerFor(SCHED_KEY)).hasValue("sched");
        assertThat(reloads("applied")).isEqualTo(1);
        assertThat(registry.get("gateway.callers.file.refused").gauge().value()).isZero();
        assertThat(callers.describe().get("refused").isNull()).isTrue();
    }

    @Test
    void aMissingFileIsRefusedAndItsReturnIsNoChange() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        callers.load();
        Callers before = callers.current();
        Files.delete(file);
        assertThat(callers.reload()).isFalse();
        assertThat(callers.reload()).isFalse();
        assertThat(reloads("refused")).isEqualTo(1);
        assertThat(callers.current()).isSameAs(before);
        assertThat(callers.describe().path("refused").path("error").asText())
                .isEqualTo("CALLERS_FILE: cannot read " + file + " (NoSuchFileException)");

        write("callers.yaml", CallersFileTest.valid()); // the version in force is back
        assertThat(callers.reload()).isFalse();
        assertThat(callers.current()).isSameAs(before);
        assertThat(reloads("applied")).isZero();
        assertThat(callers.describe().get("refused").isNull()).isTrue();
    }

    @Test
    void aKubernetesSecretSwapIsFollowed() throws IOException {
        // the layout of a mounted Secret: callers.yaml -> ..data/callers.yaml, ..data -> ..<timestamp>/
        Path first = Files.createDirectory(dir.resolve("..2026_12_01_10_00_00.1"));
        Files.writeString(first.resolve("callers.yaml"), CallersFileTest.valid());
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("callers.yaml"), Path.of("..data/callers.yaml"));
        CallerDirectory callers = directory(file);
        callers.load();
        assertThat(callers.current().fileCaller("sched")).isEmpty();

        // kubelet writes the new version into a new directory and swaps the ..data link atomically
        Path second = Files.createDirectory(dir.resolve("..2026_12_01_10_05_00.2"));
        Files.writeString(second.resolve("callers.yaml"), withSched());
        Path next = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(first.resolve("callers.yaml"));
        Files.delete(first);

        assertThat(callers.reload()).isTrue();
        assertThat(callers.current().fileCaller("sched")).isPresent();
        assertThat(reloads("applied")).isEqualTo(1);
    }

    @Test
    void theOperatorsViewHasNamesAndCountsNeverKeysSecretsOrHeaderValues() throws IOException {
        Path file = write("callers.yaml", CallersFileTest.valid().replace("hooks.zapier.example.com/catch/1/",
                "hooks.zapier.example.com/catch/1/?token=zap-url-token"));
        CallerDirectory callers = directory(file);
        callers.load();
        ObjectNode view = callers.describe();
        assertThat(view.get("file").asText()).isEqualTo(file.toString());
        assertThat(view.get("loaded_at").asText()).startsWith("2026-12-01T10:00:00");
        JsonNode list = view.get("callers");
        assertThat(list).extracting(c -> c.get("name").asText()).containsExactly("ops", "signed", "crm", "zap");

        assertThat(Json.write(list.get(0))).isEqualTo(
                "{\"name\":\"ops\",\"source\":\"settings\",\"api_keys\":2,\"delivers_to\":\"WEBHOOK_URL\"}");
        assertThat(Json.write(list.get(1))).isEqualTo(
                "{\"name\":\"signed\",\"source\":\"inbound_signature\",\"delivers_to\":\"WEBHOOK_URL\"}");
        assertThat(Json.write(list.get(2))).isEqualTo("{\"name\":\"crm\",\"source\":\"file\",\"api_keys\":2,\"signing_secrets\":2,"
                + "\"webhooks\":[{\"name\":\"answers\",\"type\":\"webhook\",\"url\":\"https://crm.example.com/hooks/answers\","
                + "\"events\":[\"query.answered\",\"query.failed\"],\"headers\":[\"Authorization\",\"X-Tenant\"],\"own_signing_secrets\":0},"
                + "{\"name\":\"webhook-2\",\"type\":\"webhook\",\"url\":\"https://audit.crm.example.com/failures\",\"events\":[\"query.failed\"],"
                + "\"headers\":[],\"own_signing_secrets\":1}],"
                + "\"callback_urls\":[\"https://*.crm.example.com/hooks/*\"]}");
        assertThat(list.get(3).path("webhooks").get(0).get("url").asText()).isEqualTo("https://hooks.zapier.example.com/catch/1/");

        assertThat(Json.write(view)).doesNotContain(KEY_1, KEY_2, ZAP_KEY, SETTINGS_KEY, SECRET_1, SECRET_2, OWN_SECRET, TOKEN,
                "receiver-token", "eu-1", "token=abc", "zap-url-token");
    }

    @Test
    void readersAlwaysSeeACompleteSnapshotWhileItIsReloaded() throws Exception {
        Path file = write("callers.yaml", CallersFileTest.valid());
        CallerDirectory callers = directory(file);
        callers.load();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> problems = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                Callers now = callers.current();
                boolean withSched = now.fileCaller("sched").isPresent();
                if (now.callerFor(SCHED_KEY).isPresent() != withSched || now.callerFor(KEY_1).isEmpty()) {
                    synchronized (problems) {
                        problems.add(new AssertionError("a mixed snapshot"));
                    }
                }
            }
        });
        reader.start();
        for (int i = 0; i < 20; i++) {
            write("callers.yaml", i % 2 == 0 ? withSched() : CallersFileTest.valid());
            assertThat(callers.reload()).isTrue();
        }
        stop.set(true);
        reader.join();
        assertThat(problems).isEmpty();
        assertThat(reloads("applied")).isEqualTo(20);
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private double reloads(String outcome) {
        return registry.get("gateway.callers.reloads").tag("outcome", outcome).counter().count();
    }

    private double gauge(String source) {
        return registry.get("gateway.callers").tag("source", source).gauge().value();
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
