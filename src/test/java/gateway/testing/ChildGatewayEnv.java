package gateway.testing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import gateway.local.EmbeddedS3Server;

/**
 * The environment of the gateway run as a child process ({@code java -jar}, by the crash-safety IT and the
 * benchmarks): the dev profile with the test's SQS, the dev profile with everything embedded, or the prod
 * profile against SQS and S3 outside the process; HTTP and management on loopback ports in each.
 */
public final class ChildGatewayEnv {

    private ChildGatewayEnv() {
    }

    /** A profile with HTTP and management on loopback ports: what every child gets, in a map for the rest. */
    private static Map<String, String> onLoopback(String profile, int httpPort, int managementPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CAMEL_MAIN_PROFILE", profile);
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("MANAGEMENT_HOST", "127.0.0.1");
        env.put("MANAGEMENT_PORT", Integer.toString(managementPort));
        return env;
    }

    /** The settings every child gateway gets, in a map the caller adds its own to. */
    public static Map<String, String> localOnLoopback(int httpPort, int managementPort, URI sqsEndpoint) {
        Map<String, String> env = onLoopback("local", httpPort, managementPort);
        env.put("SQS_ENDPOINT", sqsEndpoint.toString());
        return env;
    }

    /**
     * The local profile as {@code java -jar} runs it with nothing set: embedded ElasticMQ and S3, the agent emulator
     * and the local receiver, each on a free loopback port (not their fixed defaults, which another process may hold).
     */
    public static Map<String, String> localAllEmbedded(int httpPort, int managementPort, IntSupplier freePort) {
        Map<String, String> env = onLoopback("local", httpPort, managementPort);
        env.put("EMBEDDED_SQS_PORT", Integer.toString(freePort.getAsInt()));
        env.put("EMBEDDED_S3_PORT", Integer.toString(freePort.getAsInt()));
        env.put("AGENT_EMULATOR_PORT", Integer.toString(freePort.getAsInt()));
        env.put("LOCAL_RECEIVER_PORT", Integer.toString(freePort.getAsInt()));
        return env;
    }

    /** Where a prod-profile child finds what it talks to, all on loopback. */
    public record ProdDependencies(URI sqsEndpoint, URI s3Endpoint, String bucket, String requestsQueue,
                                   String deliveriesQueue, String bedrockEndpoint, String webhookUrl,
                                   String webhookSigningSecret) {
    }

    /**
     * Everything the prod profile refuses to start without (ProdStartupChecks, application-prod.properties),
     * pointed at loopback: SQS and S3 endpoints (queues, DLQs and bucket made beforehand; no conditional writes,
     * which the embedded S3 lacks), an agent id and published alias, an http webhook allowed explicitly (and its
     * loopback address let through the SSRF guard), a signing secret, one API key, and static AWS credentials (the
     * embedded S3's) so no credential lookup leaves the machine.
     */
    public static Map<String, String> prodOnLoopback(int httpPort, int managementPort, ProdDependencies deps) {
        Map<String, String> env = onLoopback("prod", httpPort, managementPort);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", EmbeddedS3Server.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedS3Server.SECRET_KEY);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("SQS_ENDPOINT", deps.sqsEndpoint().toString());
        env.put("REQUESTS_QUEUE", deps.requestsQueue());
        env.put("REQUESTS_DLQ", GatewayTestApp.dlqOf(deps.requestsQueue()));
        env.put("DELIVERIES_QUEUE", deps.deliveriesQueue());
        env.put("DELIVERIES_DLQ", GatewayTestApp.dlqOf(deps.deliveriesQueue()));
        env.put("S3_ENDPOINT", deps.s3Endpoint().toString());
        env.put("S3_BUCKET", deps.bucket());
        env.put("S3_CONDITIONAL_WRITES", "false");
        env.put("BEDROCK_AGENT_ID", "BENCHAGENT");
        env.put("BEDROCK_AGENT_ALIAS_ID", "BENCHALIAS");
        env.put("BEDROCK_ENDPOINT", deps.bedrockEndpoint());
        env.put("WEBHOOK_URL", deps.webhookUrl());
        env.put("ALLOW_INSECURE_WEBHOOK_URL", "true");
        // the receiver is on loopback, which the SSRF guard refuses in prod: let through that one address only
        env.put("WEBHOOK_ALLOWED_CIDRS", "127.0.0.1/32");
        env.put("WEBHOOK_SIGNING_SECRET", deps.webhookSigningSecret());
        env.put("GATEWAY_API_KEYS", "bench:bench-api-key-0123456789");
        return env;
    }
}
