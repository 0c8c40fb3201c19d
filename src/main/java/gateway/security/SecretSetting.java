package gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret setting read from the environment variable {@code NAME} or from the file that {@code NAME_FILE}
 * names (a mounted Kubernetes secret, say), never both. Error messages name the setting and the file, never
 * the content.
 */
public final class SecretSetting {

    private SecretSetting() {
    }

    /**
     * The secret's value: {@code value} when set, else the content of {@code file} when set (trailing
     * whitespace and newlines removed), else the empty string.
     *
     * @param name  the environment variable (for messages), e.g. {@code GATEWAY_API_KEYS}
     * @param value the value of {@code NAME}
     * @param file  the value of {@code NAME_FILE}: a path
     */
    public static String resolve(String name, String value, String file) {
        boolean hasValue = value != null && !value.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasValue && hasFile) {
            throw new IllegalStateException("Set " + name + " or " + name + "_FILE, not both");
        }
        if (hasValue) {
            return value.strip();
        }
        if (!hasFile) {
            return "";
        }
        Path path = Path.of(file.trim());
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            // the exception's class tells what went wrong; its message could quote content, so it is left out
            throw new IllegalStateException(name + "_FILE: cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
