package gateway.local;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;

import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local profile is the production application with the stand-ins first: the same configuration classes
 * after {@link LocalStackConfiguration}, each stand-in's setting pointing at it, and the receiver's page on the
 * management port.
 */
class LocalProfileTest {

    @Test
    void runsTheProductionConfigurationClassesAfterTheStandIns() throws Exception {
        String production = property("application.properties", "camel.main.configurationClasses");
        String local = property("application-local.properties", "camel.main.configurationClasses");
        assertThat(local).isEqualTo(LocalStackConfiguration.class.getName() + "," + production);
    }

    @Test
    void pointsEachSettingAtItsStandInAndShowsTheReceiverOnTheManagementPort() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.agent.endpoint", ""))) { // the profile's own emulator
            LocalStackConfiguration.LocalStack stack = app.bean("localStack", LocalStackConfiguration.LocalStack.class);
            assertThat(app.property("gateway.agent.endpoint")).isEqualTo(stack.agentEmulator().baseUrl());
            assertThat(app.property("gateway.webhook.url")).isEqualTo(stack.receiver().url());
            assertThat(app.property("gateway.sqs.endpoint")).startsWith("http://127.0.0.1:");
            assertThat(app.property("gateway.s3.endpoint")).startsWith("http://127.0.0.1:");
            HttpResponse<String> page = app.send(HttpRequest.newBuilder(app.managementUrl("/observe/receiver"))
                    .header("Accept", "application/json").GET().build());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).startsWith("[");
        }
    }

    private static String property(String resource, String key) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = LocalProfileTest.class.getClassLoader().getResourceAsStream(resource)) {
            properties.load(in);
        }
        return properties.getProperty(key).replaceAll("\\s+", "");
    }
}
