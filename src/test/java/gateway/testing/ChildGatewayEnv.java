package gateway.testing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of the gateway run as a child process ({@code java -jar}, by the crash-safety IT and the
 * agent-in-flight benchmark): the dev profile, HTTP and management on loopback ports, the test's SQS.
 */
public final class ChildGatewayEnv {

    private ChildGatewayEnv() {
    }

    /** The settings every child gateway gets, in a map the caller adds its own to. */
    public static Map<String, String> devOnLoopback(int httpPort, int managementPort, URI sqsEndpoint) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CAMEL_MAIN_PROFILE", "dev");
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("MANAGEMENT_HOST", "127.0.0.1");
        env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("SQS_ENDPOINT", sqsEndpoint.toString());
        return env;
    }
}
