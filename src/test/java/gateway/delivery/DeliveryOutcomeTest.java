package gateway.delivery;

import static gateway.delivery.DeliveryOutcome.PERMANENT;
import static gateway.delivery.DeliveryOutcome.RETRYABLE;
import static gateway.delivery.DeliveryOutcome.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

import gateway.net.BlockedAddressException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryOutcomeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "200, SUCCESS", "201, SUCCESS", "202, SUCCESS", "204, SUCCESS", "299, SUCCESS",
            "408, RETRYABLE", "429, RETRYABLE",
            "500, RETRYABLE", "502, RETRYABLE", "503, RETRYABLE", "504, RETRYABLE", "599, RETRYABLE",
            "400, PERMANENT", "401, PERMANENT", "403, PERMANENT", "404, PERMANENT", "405, PERMANENT",
            "410, PERMANENT", "413, PERMANENT", "422, PERMANENT", "499, PERMANENT",
            "301, PERMANENT", "302, PERMANENT", "307, PERMANENT", "308, PERMANENT",
            "0, RETRYABLE", "100, RETRYABLE", "600, RETRYABLE"
    })
    void classifiesStatusCodes(int status, DeliveryOutcome expected) {
        assertThat(DeliveryOutcome.classify(status)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"204"})
    void noContentIsASuccessUnlikeTheOriginal(int status) {
        assertThat(DeliveryOutcome.classify(status)).isEqualTo(SUCCESS).isNotIn(RETRYABLE, PERMANENT);
    }

    @Test
    void anAddressTheGuardRefusedIsPermanentWhileOtherConnectionErrorsAreRetried() throws Exception {
        BlockedAddressException blocked = new BlockedAddressException("localhost", InetAddress.getByName("127.0.0.1"),
                "loopback (127.0.0.0/8)");
        assertThat(blocked).isInstanceOf(IOException.class);
        assertThat(DeliveryOutcome.classify(blocked)).isEqualTo(PERMANENT);
        assertThat(DeliveryOutcome.classify(new ConnectException("Connection refused"))).isEqualTo(RETRYABLE);
        assertThat(DeliveryOutcome.classify(new SocketTimeoutException("Read timed out"))).isEqualTo(RETRYABLE);
    }

    @Test
    void aFailureIsDescribedWithoutTheReceiversUrl() {
        org.apache.camel.http.base.HttpOperationFailedException refused = new org.apache.camel.http.base.HttpOperationFailedException(
                "https://hooks.example.com/services/T0/B0/SECRETPATH?token=SECRET", 503, "Service Unavailable", null, null, "busy");
        assertThat(DeliveryOutcome.describe(refused)).isEqualTo("the receiver answered HTTP 503");
        java.io.IOException connect = new java.io.IOException("Connect to https://hooks.example.com:443/services/SECRETPATH?token=SECRET [hooks.example.com/10.0.0.1] failed");
        assertThat(DeliveryOutcome.describe(connect)).isEqualTo("IOException: Connect to https://hooks.example.com:443 [hooks.example.com/10.0.0.1] failed")
                .doesNotContain("SECRET");
        assertThat(DeliveryOutcome.describe(new java.net.SocketTimeoutException("Read timed out"))).isEqualTo("SocketTimeoutException: Read timed out");
        assertThat(DeliveryOutcome.describe(null)).isEqualTo("unknown failure");
    }
}
