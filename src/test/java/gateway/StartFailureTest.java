package gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

class StartFailureTest {

    private static final Function<String, Optional<String>> PORTS = key -> Optional.ofNullable(Map.of(
            "camel.server.port", "8080", "camel.management.port", "9876", "gateway.local.sqs-port", "9324",
            "gateway.local.s3-port", "9325", "gateway.local.agent-port", "9878",
            "gateway.local.receiver-port", "9877").get(key));

    @Test
    void aPortInUseIsNamedByTheSettingThatChoseIt() {
        Throwable failure = new RuntimeCamelException(new IllegalStateException("agent emulator could not listen on 127.0.0.1:9878",
                new BindException("Address already in use")));
        assertThat(StartFailure.describe(failure, PORTS)).isEqualTo("Start failed: port 9878 (AGENT_EMULATOR_PORT) is already "
                + "in use: stop what listens there or set AGENT_EMULATOR_PORT to a free port");
        assertThat(StartFailure.describe(new BindException("127.0.0.1:9324: Address already in use"), PORTS))
                .contains("port 9324 (EMBEDDED_SQS_PORT)");
    }

    @Test
    void aPortInUseThatNoSettingChoseListsThePortSettings() {
        assertThat(StartFailure.describe(new BindException("Address already in use"), key -> Optional.empty()))
                .startsWith("Start failed: an address is already in use").contains("HTTP_PORT").contains("LOCAL_RECEIVER_PORT");
    }

    @Test
    void anythingElseIsItsInnermostMessageOnOneLine() {
        Throwable failure = new RuntimeCamelException("Error during post processing of bean", new RuntimeCamelException(
                new InvocationTargetException(new IllegalArgumentException("GATEWAY_API_KEYS entry #1 (a): the key must be"
                        + " at least 16 characters\n  with no spaces"))));
        assertThat(StartFailure.describe(failure, PORTS))
                .isEqualTo("Start failed: GATEWAY_API_KEYS entry #1 (a): the key must be at least 16 characters with no spaces");
        assertThat(StartFailure.describe(new IllegalStateException(), PORTS)).isEqualTo("Start failed: IllegalStateException");
    }
}
