package gateway.bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The start-up benchmark's baseline (c): the least a camel-main app like the gateway starts. One
 * {@code platform-http} route on Vert.x ({@code camel.server.*}) and the management server with the same health
 * endpoints ({@code camel.management.*}, {@code /observe/health/ready}) on {@code HTTP_PORT} / {@code MANAGEMENT_PORT},
 * as {@code application.properties} configures them; nothing else (no SQS, S3, agent client, metrics).
 *
 * <p>{@link StartupBenchmarkTest} runs it as {@code java -cp target/ai-webhook-gateway.jar:target/test-classes}
 * (the gateway's own jar, so the same Camel, Vert.x, Log4j and JSON logging). The jar's
 * {@code application.properties} is not read: every setting is here.
 */
public final class StartupBaselineApp {

    private StartupBaselineApp() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("false"); // not the gateway's application.properties
        main.addInitialProperty("camel.main.name", "startup-baseline");
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.host", "{{env:HTTP_HOST:127.0.0.1}}");
        main.addInitialProperty("camel.server.port", "{{env:HTTP_PORT:8080}}");
        main.addInitialProperty("camel.management.enabled", "true");
        main.addInitialProperty("camel.management.host", "{{env:MANAGEMENT_HOST:127.0.0.1}}");
        main.addInitialProperty("camel.management.port", "{{env:MANAGEMENT_PORT:9876}}");
        main.addInitialProperty("camel.management.healthCheckEnabled", "true");
        main.addInitialProperty("camel.health.enabled", "true");
        main.addInitialProperty("camel.health.exposureLevel", "oneline");
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/ping").routeId("ping").setBody(constant("pong"));
            }
        });
        System.exit(main.run(args));
    }
}
