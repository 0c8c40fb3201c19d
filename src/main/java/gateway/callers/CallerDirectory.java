package gateway.callers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.json.Json;
import gateway.json.Timestamps;
import gateway.security.ApiKeys;
import gateway.security.CallerKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers in force: those of {@code GATEWAY_API_KEYS} and, when {@code CALLERS_FILE} is set, those of the file.
 * {@link #load()} reads the file at start (a bad file stops the start with one line); {@link #reload()}, called
 * periodically, reads it again and swaps in a valid new version. A broken new version is refused (ERROR, metric) and
 * the previous one stays in force; each version of the file is judged once, so a broken file is reported once, not
 * on every poll. While authentication is enforced with API keys alone ({@code keysRequired}), a version that leaves no
 * API key in force (say {@code callers: []}) is refused like a broken one: a reload never opens the gateway. The path is read afresh each time, so a Kubernetes Secret mount (a symlink whose target is swapped)
 * is followed.
 *
 * <p>Metrics: {@code gateway_callers{source}} (callers in force), {@code gateway_callers_reloads_total{outcome}}
 * ({@code applied} / {@code refused}), {@code gateway_callers_file_refused} (1 while the file's latest version is
 * refused). Thread-safe: readers see a volatile immutable {@link Callers}; loads are serialised.
 */
public final class CallerDirectory implements CallerKeys {

    /** A larger file is refused: a callers file is a few kilobytes. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CallerDirectory.class);

    /**
     * What is in force and what was last read, swapped as one: the callers, when they were loaded and the digest of
     * their version of the file; the latest version judged (its digest, or why the file could not be read), when,
     * and why it was refused ({@code null}: it was not).
     */
    private record State(Callers callers, Instant loadedAt, String inForce, String seen, Instant seenAt, String refusal,
            Instant lastRefusedAt, String lastRefusal) {

        State seen(String version, Instant at, String why) {
            return why == null ? new State(callers, loadedAt, inForce, version, at, null, lastRefusedAt, lastRefusal)
                    : new State(callers, loadedAt, inForce, version, at, why, at, why);
        }
    }

    /** The file's text ({@code null} when it is not UTF-8) and its digest. */
    private record Read(String text, String version) {
    }

    private final Path file;
    private final CallersFile.Rules rules;
    private final boolean keysRequired;
    private final Clock clock;
    private final Counter applied;
    private final Counter refused;

    private volatile State state = new State(null, null, null, null, null, null, null, null);

    /**
     * @param file         the callers file, {@code null} when {@code CALLERS_FILE} is not set (then only the settings' callers)
     * @param rules        the checks (http allowed; the names and keys of {@code GATEWAY_API_KEYS}; the inbound caller)
     * @param keysRequired whether a version of the file must leave some API key in force (authentication is enforced
     *                     and there is no inbound signing secret to authenticate with instead)
     * @param registry     where the metrics go
     */
    public CallerDirectory(Path file, CallersFile.Rules rules, boolean keysRequired, MeterRegistry registry) {
        this(file, rules, keysRequired, registry, Clock.systemUTC());
    }

    public CallerDirectory(Path file, CallersFile.Rules rules, boolean keysRequired, MeterRegistry registry, Clock clock) {
        this.file = file;
        this.rules = Objects.requireNonNull(rules, "rules");
        this.keysRequired = keysRequired;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        Objects.requireNonNull(registry, "registry");
        String reloads = "Reloads of CALLERS_FILE by outcome: applied, or refused (the previous version stays in force)";
        this.applied = Counter.builder("gateway.callers.reloads").description(reloads).tag("outcome", "applied").register(registry);
        this.refused = Counter.builder("gateway.callers.reloads").description(reloads).tag("outcome", "refused").register(registry);
        Gauge.builder("gateway.callers", this, d -> d.count(true)).description("Callers in force, by where they are configured")
                .tag("source", "file").strongReference(true).register(registry);
        Gauge.builder("gateway.callers", this, d -> d.count(false)).description("Callers in force, by where they are configured")
                .tag("source", "settings").strongReference(true).register(registry);
        Gauge.builder("gateway.callers.file.refused", this, d -> d.state.refusal() != null ? 1 : 0)
                .description("1 while the latest version of CALLERS_FILE is refused and an older one is in force")
                .strongReference(true).register(registry);
    }

    /** The callers in force. {@link IllegalStateException} before {@link #load()}. */
    public Callers current() {
        Callers callers = state.callers();
        if (callers == null) {
            throw new IllegalStateException("the callers are not loaded yet");
        }
        return callers;
    }

    /** The caller of a presented API key, among the keys in force now (GATEWAY_API_KEYS and CALLERS_FILE). */
    @Override
    public Optional<String> callerFor(String presentedKey) {
        return current().callerFor(presentedKey);
    }

    /** True when no API key is in force at all (then the gateway is open, unless inbound signatures are on). */
    @Override
    public boolean isEmpty() {
        return !current().hasKeys();
    }

    /** The callers file, {@code null} when none is configured. */
    public Path file() {
        return file;
    }

    /**
     * Reads the callers at start. {@link IllegalStateException} with the parser's one line when the file cannot be
     * read or is invalid (the start fails with it).
     */
    public synchronized void load() {
        if (file == null) {
            install(Callers.ofSettings(rules.settingsKeys()), null);
            LOG.info("Callers: {} from GATEWAY_API_KEYS {}; no CALLERS_FILE", rules.settingsKeys().names().size(),
                    rules.settingsKeys().names());
            return;
        }
        Read read = read();
        try {
            install(parse(read), read.version());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage());
        }
        LOG.info("Callers file {} loaded: {}", file, summary(state.callers().fileCallers()));
    }

    /**
     * Reads the file again. Unchanged (the same bytes, or the same read error as last time): nothing happens. A valid
     * new version replaces the one in force; a broken one (also a missing or unreadable file) is refused with an
     * ERROR and the one in force stays.
     *
     * @return whether a new version was applied
     */
    public synchronized boolean reload() {
        if (file == null) {
            return false;
        }
        Read read;
        try {
            read = read();
        } catch (IllegalStateException e) {
            return refuse(e.getMessage(), "unreadable:" + e.getMessage());
        }
        State before = state;
        if (read.version().equals(before.seen())) {
            return false;
        }
        if (read.version().equals(before.inForce())) {
            state = before.seen(read.version(), clock.instant(), null);
            LOG.info("Callers file is back to the version in force (loaded at {})", Timestamps.format(before.loadedAt()));
            return false;
        }
        Callers callers;
        try {
            callers = parse(read);
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage(), read.version());
        }
        install(callers, read.version());
        applied.increment();
        LOG.info("Callers file reloaded: {}", summary(callers.fileCallers()));
        return true;
    }

    /**
     * The operators' view: where the callers come from and what each has, by counts and names only (never a key, a
     * secret or a header value; URLs without user info and query).
     */
    public ObjectNode describe() {
        State now = state;
        Callers callers = now.callers();
        ObjectNode view = Json.object();
        view.put("file", file == null ? null : file.toString());
        view.put("loaded_at", now.loadedAt() == null ? null : Timestamps.format(now.loadedAt()));
        if (now.refusal() != null) {
            ObjectNode refusal = view.putObject("refused");
            refusal.put("at", Timestamps.format(now.seenAt()));
            refusal.put("error", now.refusal());
        } else {
            view.putNull("refused");
        }
        view.set("reload", reload(now));
        ArrayNode list = view.putArray("callers");
        if (callers == null) {
            return view;
        }
        ApiKeys settings = callers.settingsKeys();
        for (String name : callers.settingsCallerNames()) {
            ObjectNode caller = list.addObject();
            caller.put("name", name);
            caller.put("source", "settings");
            caller.put("api_keys", settings.keyCount(name));
            caller.put("delivers_to", "WEBHOOK_URL");
        }
        if (rules.inboundCaller() != null) {
            ObjectNode caller = list.addObject();
            caller.put("name", rules.inboundCaller());
            caller.put("source", "inbound_signature");
            caller.put("delivers_to", "WEBHOOK_URL");
        }
        for (Caller fileCaller : callers.fileCallers()) {
            list.add(describe(fileCaller));
        }
        return view;
    }

    /**
     * The reloads' state: when the callers in force were loaded, from where ({@code CALLERS_FILE}'s path, or
     * {@code settings} without a file), how many callers that source gives, and the last version refused since the
     * start (kept after a later good version; its reason is the refusal's one line, which quotes no key or secret).
     */
    private ObjectNode reload(State now) {
        ObjectNode reload = Json.object();
        reload.put("loaded_at", now.loadedAt() == null ? null : Timestamps.format(now.loadedAt()));
        reload.put("source", file == null ? "settings" : file.toString());
        Callers callers = now.callers();
        reload.put("callers", callers == null ? 0 : file != null ? callers.fileCallers().size() : callers.settingsCallerNames().size());
        if (now.lastRefusal() == null) {
            reload.putNull("last_refusal");
        } else {
            ObjectNode refusal = reload.putObject("last_refusal");
            refusal.put("at", Timestamps.format(now.lastRefusedAt()));
            refusal.put("reason", now.lastRefusal());
        }
        return reload;
    }

    private static ObjectNode describe(Caller caller) {
        ObjectNode json = Json.object();
        json.put("name", caller.name());
        json.put("source", "file");
        json.put("api_keys", caller.apiKeyCount());
        json.put("signing_secrets", caller.signingSecretCount());
        ArrayNode webhooks = json.putArray("webhooks");
        for (CallerWebhook webhook : caller.webhooks()) {
            ObjectNode endpoint = webhooks.addObject();
            endpoint.put("name", webhook.name());
            endpoint.put("type", webhook.type().wireName());
            // a chat URL as its scheme and host only (all of it is a credential); an AWS destination as the file has it
            endpoint.put("url", webhook.url() == null ? null : webhook.shownUrl());
            if (webhook.type().aws()) {
                endpoint.put("destination", webhook.destination());
            }
            if (webhook.eventSource() != null) {
                endpoint.put("source", webhook.eventSource());
            }
            ArrayNode events = endpoint.putArray("events");
            webhook.events().stream().sorted().forEach(events::add);
            ArrayNode headers = endpoint.putArray("headers");
            webhook.headers().keySet().forEach(headers::add);
            endpoint.put("own_signing_secrets", webhook.ownSigningSecrets());
        }
        ArrayNode patterns = json.putArray("callback_urls");
        caller.callbackUrls().forEach(p -> patterns.add(p.toString()));
        return json;
    }

    private boolean refuse(String line, String version) {
        State before = state;
        if (version.equals(before.seen())) {
            return false; // this broken version was reported already
        }
        state = before.seen(version, clock.instant(), line);
        refused.increment();
        LOG.error("Callers file change refused, the version loaded at {} stays in force: {}",
                before.loadedAt() == null ? "none" : Timestamps.format(before.loadedAt()), line);
        return false;
    }

    private void install(Callers callers, String version) {
        Instant now = clock.instant();
        State before = state;
        state = new State(callers, now, version, version, now, null, before.lastRefusedAt(), before.lastRefusal());
    }

    private Callers parse(Read read) {
        if (read.text() == null) {
            throw new IllegalArgumentException(CallersFile.SETTING + ": not UTF-8 text");
        }
        Callers callers = Callers.of(rules.settingsKeys(), CallersFile.parse(read.text(), rules));
        if (keysRequired && !callers.hasKeys()) {
            throw new IllegalArgumentException(CallersFile.SETTING + ": no API key left in force (authentication stays on:"
                    + " a version without any key is refused, not taken to open the gateway)");
        }
        return callers;
    }

    private int count(boolean fromFile) {
        Callers callers = state.callers();
        if (callers == null) {
            return 0;
        }
        return fromFile ? callers.fileCallers().size() : callers.settingsCallerNames().size();
    }

    private static String summary(List<Caller> callers) {
        return callers.size() + (callers.size() == 1 ? " caller (" : " callers (")
                + String.join(", ", callers.stream().map(Caller::name).toList()) + ")";
    }

    /** The file's text and digest; {@link IllegalStateException} with one line (no content) when it cannot be read. */
    private Read read() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            // the exception's class tells what went wrong; its message could quote content, so it is left out
            throw new IllegalStateException(CallersFile.SETTING + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalStateException(CallersFile.SETTING + ": " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        String version = HexFormat.of().formatHex(sha256(bytes));
        try {
            return new Read(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString(), version);
        } catch (CharacterCodingException e) {
            return new Read(null, version);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
