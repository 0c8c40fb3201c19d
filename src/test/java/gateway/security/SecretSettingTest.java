package gateway.security;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSettingTest {

    @TempDir
    Path dir;

    @Test
    void fromTheVariable() {
        assertThat(SecretSetting.resolve("ADMIN_TOKEN", " s3cret \n", "")).isEqualTo("s3cret");
        assertThat(SecretSetting.resolve("ADMIN_TOKEN", "", "")).isEmpty();
        assertThat(SecretSetting.resolve("ADMIN_TOKEN", null, null)).isEmpty();
    }

    @Test
    void fromAMountedFileWithoutTheTrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "s3cret-from-file\n");
        assertThat(SecretSetting.resolve("ADMIN_TOKEN", "", file.toString())).isEqualTo("s3cret-from-file");
    }

    @Test
    void notBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "s3cret-from-file");
        assertThatThrownBy(() -> SecretSetting.resolve("ADMIN_TOKEN", "s3cret", file.toString()))
                .hasMessage("Set ADMIN_TOKEN or ADMIN_TOKEN_FILE, not both");
    }

    @Test
    void anUnreadableFileIsNamedNotQuoted() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> SecretSetting.resolve("GATEWAY_API_KEYS", "", missing.toString()))
                .hasMessage("GATEWAY_API_KEYS_FILE: cannot read " + missing + " (NoSuchFileException)");
    }
}
