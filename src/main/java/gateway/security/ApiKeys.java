package gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API keys ({@code GATEWAY_API_KEYS}): {@code name:key} entries separated by commas or new
 * lines (blank lines and lines starting with {@code #} are skipped, so a mounted file can hold one per
 * line with comments). The name is the caller recorded with each request; several keys may share a name
 * (rotation). Only SHA-256 hashes of the keys are kept; a presented key is hashed and compared with every
 * configured hash by {@link MessageDigest#isEqual}, so neither the key's length nor its position in the
 * list shows in the timing. No key ever appears in {@link #toString()} or in a message.
 */
public final class ApiKeys implements CallerKeys {

    public static final int MIN_KEY_CHARS = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private record Entry(String name, byte[] hash) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** Parses the setting; a bad entry is reported by its position and name, never by its key. */
    public static ApiKeys parse(String setting) {
        List<Entry> entries = new ArrayList<>();
        if (setting == null) {
            return none();
        }
        int position = 0;
        for (String line : setting.split("\\R")) {
            String trimmedLine = line.strip();
            if (trimmedLine.isEmpty() || trimmedLine.startsWith("#")) {
                continue;
            }
            for (String raw : trimmedLine.split(",")) {
                String entry = raw.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                position++;
                int colon = entry.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("GATEWAY_API_KEYS entry #" + position + " is not name:key");
                }
                String name = entry.substring(0, colon).strip();
                String key = entry.substring(colon + 1).strip();
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("GATEWAY_API_KEYS entry #" + position
                            + ": the name must be 1-64 letters, digits, '.', '_' or '-'");
                }
                if (!isValidKey(key)) {
                    throw new IllegalArgumentException("GATEWAY_API_KEYS entry #" + position + " (" + name
                            + "): the key must be at least " + MIN_KEY_CHARS + " characters with no spaces or control characters");
                }
                byte[] hash = sha256(key);
                for (Entry existing : entries) {
                    if (Arrays.equals(existing.hash(), hash)) {
                        throw new IllegalArgumentException("GATEWAY_API_KEYS entry #" + position + " (" + name
                                + ") repeats the key of '" + existing.name() + "'");
                    }
                }
                entries.add(new Entry(name, hash));
            }
        }
        return new ApiKeys(entries);
    }

    /** One secret under one name, with no format rules on the secret (e.g. {@code ADMIN_TOKEN}). */
    static ApiKeys parseSingle(String name, String secret) {
        return new ApiKeys(List.of(new Entry(name, sha256(secret))));
    }

    /** The name of the caller whose key this is, if it is one of the configured keys. */
    @Override
    public Optional<String> callerFor(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        String match = null;
        for (Entry entry : entries) {
            // every entry is compared: no early exit that would tell where in the list a key sits
            if (MessageDigest.isEqual(entry.hash(), presented)) {
                match = entry.name();
            }
        }
        return Optional.ofNullable(match);
    }

    /** Whether {@code name} is a valid caller name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether {@code key} may be an API key: at least {@value #MIN_KEY_CHARS} characters, no spaces or control characters. */
    public static boolean isValidKey(String key) {
        return key != null && key.length() >= MIN_KEY_CHARS && key.chars().noneMatch(c -> c <= ' ' || c == 0x7F);
    }

    /** How many keys the caller has (two during a rotation); 0 for a name that is not configured. */
    public int keyCount(String name) {
        return (int) entries.stream().filter(e -> e.name().equals(name)).count();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The caller names, in configuration order, without repeats. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        entries.forEach(e -> names.add(e.name()));
        return names;
    }

    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " keys for " + names() + "]";
    }

    /** SHA-256 of the UTF-8 bytes of {@code value}. */
    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
