package gateway;

import java.net.BindException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line a failed start ends with: the problem and the setting to change, not a stack trace. A port
 * already in use is named by the setting that chose it; anything else by the innermost message, which the
 * gateway's own checks word as "SETTING ...: what is wrong" (for example a short key in
 * {@code GATEWAY_API_KEYS}, or the prod profile's missing settings).
 */
final class StartFailure {

    /** The port settings, by environment variable, with the property each one sets. */
    static final Map<String, String> PORT_SETTINGS = portSettings();

    private static final Pattern PORT = Pattern.compile(":(\\d{1,5})\\b");

    private StartFailure() {
    }

    /**
     * The line for {@code failure}; {@code property} resolves a property of the application (empty when it
     * cannot, e.g. before the context exists), to tell which setting chose a port that is in use.
     */
    static String describe(Throwable failure, Function<String, Optional<String>> property) {
        Throwable bind = find(failure, BindException.class);
        if (bind != null || mentionsAddressInUse(failure)) {
            String text = bind != null ? bind.getMessage() : innermost(failure).getMessage();
            Integer port = port(failure);
            String setting = port == null ? null : settingOf(port, property);
            if (setting != null) {
                return "Start failed: port " + port + " (" + setting + ") is already in use: stop what listens there or set "
                        + setting + " to a free port";
            }
            return "Start failed: an address is already in use (" + text + "): set " + String.join(", ", PORT_SETTINGS.keySet())
                    + " to free ports";
        }
        Throwable root = innermost(failure);
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip();
        return "Start failed: " + message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String settingOf(int port, Function<String, Optional<String>> property) {
        for (Map.Entry<String, String> setting : PORT_SETTINGS.entrySet()) {
            Optional<String> value = property.apply(setting.getValue()).map(String::strip);
            if (value.isPresent() && value.get().equals(Integer.toString(port))) {
                return setting.getKey();
            }
        }
        return null;
    }

    private static Integer port(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = PORT.matcher(t.getMessage());
                Integer last = null;
                while (m.find()) {
                    last = Integer.valueOf(m.group(1));
                }
                if (last != null) {
                    return last;
                }
            }
        }
        return null;
    }

    private static boolean mentionsAddressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static Map<String, String> portSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("HTTP_PORT", "camel.server.port");
        settings.put("MANAGEMENT_PORT", "camel.management.port");
        // the local profile's stand-ins (gateway.local.LocalStackConfiguration)
        settings.put("EMBEDDED_SQS_PORT", "gateway.local.sqs-port");
        settings.put("EMBEDDED_S3_PORT", "gateway.local.s3-port");
        settings.put("AGENT_EMULATOR_PORT", "gateway.local.agent-port");
        settings.put("LOCAL_RECEIVER_PORT", "gateway.local.receiver-port");
        return Collections.unmodifiableMap(settings);
    }
}
