package gateway.tracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import gateway.intake.TrackingIds;

/**
 * The names in the question index ({@link QuestionIndex}), all pure: no S3 call here.
 * <pre>
 * index/&lt;caller&gt;/q/&lt;entry&gt;.json             one summary per question (rewritten when it changes)
 * index/&lt;caller&gt;/s/&lt;session&gt;/&lt;entry&gt;        an empty marker per question of a session (written once)
 * &lt;entry&gt; = &lt;16 digits: 9999999999999999 - queued_at in µs since the epoch&gt;_&lt;tracking_id&gt;
 * </pre>
 * {@code <caller>} is the first 32 hex digits of the SHA-256 of the caller's name ({@code open} on a gateway without
 * keys, where there is one caller); {@code <session>} likewise of the {@code session_id}. S3 lists keys in ascending
 * order, so a listing of a prefix is newest first; entries queued in the same microsecond follow their tracking ids.
 * A page's cursor is the last entry it examined, opaque to the client ({@code c1.} + the entry, base64url).
 */
public final class IndexKeys {

    static final String FOLDER = "index/";
    /** The caller of a gateway that enforces no keys (no hash is made of these letters). */
    static final String OPEN = "open";
    static final long REVERSE_BASE = 9_999_999_999_999_999L;
    /** The latest instant an entry can name (in the year 2286). */
    static final Instant LATEST = Instant.ofEpochSecond(REVERSE_BASE / 1_000_000L, (REVERSE_BASE % 1_000_000L) * 1_000L);
    private static final Pattern ENTRY = Pattern.compile("[0-9]{16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String CURSOR_VERSION = "c1.";

    private IndexKeys() {
    }

    /** The caller's folder name: a hash of its name, or {@link #OPEN} when there is no caller (no keys enforced). */
    public static String caller(String caller) {
        return caller == null ? OPEN : hash("caller:" + caller);
    }

    /** A session's folder name: a hash of the caller's {@code session_id}. */
    public static String session(String sessionId) {
        return hash("session:" + sessionId);
    }

    /** The entry name of a question queued at {@code queuedAt}: sorts newest first. */
    public static String entry(Instant queuedAt, String trackingId) {
        String id = TrackingIds.parse(trackingId).orElseThrow(() -> new IllegalArgumentException("tracking id is not a UUID"));
        return reverse(queuedAt) + "_" + id;
    }

    /** The 16 digits that sort {@code at} newest first. */
    static String reverse(Instant at) {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000L);
        if (micros < 0 || micros > REVERSE_BASE) {
            throw new IllegalArgumentException("instant out of range");
        }
        return String.format("%016d", REVERSE_BASE - micros);
    }

    /** When the entry's question was queued (to the microsecond). */
    static Instant queuedAt(String entry) {
        long micros = REVERSE_BASE - Long.parseLong(entry.substring(0, 16));
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static String trackingId(String entry) {
        return entry.substring(17);
    }

    static boolean isEntry(String name) {
        return name != null && ENTRY.matcher(name).matches();
    }

    /** The path (under {@code S3_PREFIX}) of the question's summary. */
    static String summaryPath(String caller, String entry) {
        return summaries(caller) + entry + ".json";
    }

    /** The folder of a caller's summaries. */
    static String summaries(String caller) {
        return FOLDER + caller + "/q/";
    }

    /** The folder of a session's markers. */
    static String sessionMarkers(String caller, String session) {
        return FOLDER + caller + "/s/" + session + "/";
    }

    /** The entry name from a listed key (null when the key is no entry of {@code folder}). */
    static String entryOf(String key, String folder) {
        if (!key.startsWith(folder)) {
            return null;
        }
        String name = key.substring(folder.length());
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - 5);
        }
        return isEntry(name) ? name : null;
    }

    /**
     * The listing's start for {@code until} (exclusive): after every entry queued at or after it, i.e. after every
     * name that starts with digits of {@code until} or fewer ({@code '~'} sorts after every character of a name).
     */
    static String startAfterUntil(Instant until) {
        return reverse(until) + "_~";
    }

    /** True when the entry was queued before {@code since} (inclusive bound: the listing stops there). */
    static boolean before(String entry, Instant since) {
        return entry.substring(0, 16).compareTo(reverse(since)) > 0;
    }

    /** The opaque cursor after {@code entry}. */
    public static String cursor(String entry) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_VERSION + entry).getBytes(StandardCharsets.US_ASCII));
    }

    /** The entry a cursor names; empty when it is not one of ours. */
    public static Optional<String> fromCursor(String cursor) {
        if (cursor == null || cursor.length() > 100) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!text.startsWith(CURSOR_VERSION)) {
                return Optional.empty();
            }
            String entry = text.substring(CURSOR_VERSION.length());
            return isEntry(entry) ? Optional.of(entry) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
