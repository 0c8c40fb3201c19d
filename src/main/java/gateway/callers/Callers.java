package gateway.callers;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import gateway.security.ApiKeys;

/**
 * The callers in force at one moment (an immutable snapshot; {@link CallerDirectory} swaps in a new one when the
 * file changes): the callers of {@code GATEWAY_API_KEYS}, which deliver to {@code WEBHOOK_URL} as before, and the
 * callers of {@code CALLERS_FILE}, each with its own endpoints. Names and keys are unique across both (checked by
 * {@link CallersFile}).
 */
public final class Callers {

    private record FileKey(String caller, byte[] hash) {
    }

    private final ApiKeys settingsKeys;
    private final Map<String, Caller> fileCallers;
    private final List<FileKey> fileKeys;

    private Callers(ApiKeys settingsKeys, List<Caller> fileCallers) {
        this.settingsKeys = settingsKeys == null ? ApiKeys.none() : settingsKeys;
        Map<String, Caller> byName = new LinkedHashMap<>();
        List<FileKey> keys = new ArrayList<>();
        for (Caller caller : fileCallers) {
            if (byName.putIfAbsent(caller.name(), caller) != null || this.settingsKeys.names().contains(caller.name())) {
                throw new IllegalArgumentException("caller '" + caller.name() + "' is defined twice");
            }
            caller.keyHashes().forEach(hash -> keys.add(new FileKey(caller.name(), hash)));
        }
        this.fileCallers = byName;
        this.fileKeys = List.copyOf(keys);
    }

    /** The callers of the settings and of the file (as {@link CallersFile#parse} returned them). */
    public static Callers of(ApiKeys settingsKeys, List<Caller> fileCallers) {
        return new Callers(settingsKeys, fileCallers);
    }

    /** Only the callers of {@code GATEWAY_API_KEYS} (no {@code CALLERS_FILE}). */
    public static Callers ofSettings(ApiKeys settingsKeys) {
        return new Callers(settingsKeys, List.of());
    }

    /**
     * The caller whose API key this is, from the settings or the file. The key is hashed and compared with every
     * configured hash in constant time, with no early exit, so the timing tells nothing about where a key sits.
     */
    public Optional<String> callerFor(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> fromSettings = settingsKeys.callerFor(presentedKey); // compares with every settings key
        byte[] presented = ApiKeys.sha256(presentedKey);
        String fromFile = null;
        for (FileKey key : fileKeys) {
            if (MessageDigest.isEqual(key.hash(), presented)) {
                fromFile = key.caller();
            }
        }
        return fromSettings.isPresent() ? fromSettings : Optional.ofNullable(fromFile);
    }

    /** The caller of the file with this name; empty for a caller of {@code GATEWAY_API_KEYS} (it uses WEBHOOK_URL). */
    public Optional<Caller> fileCaller(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(fileCallers.get(name));
    }

    /** Whether any API key is configured (in the settings or the file): then requests must authenticate. */
    public boolean hasKeys() {
        return !settingsKeys.isEmpty() || !fileKeys.isEmpty();
    }

    /** The callers of the file, in its order. */
    public List<Caller> fileCallers() {
        return List.copyOf(fileCallers.values());
    }

    /** The callers of {@code GATEWAY_API_KEYS}, in their order. */
    public Set<String> settingsCallerNames() {
        return settingsKeys.names();
    }

    /** The API keys of {@code GATEWAY_API_KEYS} (for counts in the operators' view). */
    public ApiKeys settingsKeys() {
        return settingsKeys;
    }

    /** All caller names: the settings' first, then the file's. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(settingsKeys.names());
        names.addAll(fileCallers.keySet());
        return names;
    }

    @Override
    public String toString() {
        return "Callers[settings=" + settingsKeys.names() + ", file=" + fileCallers.keySet() + "]";
    }
}
