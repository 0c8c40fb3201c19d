package gateway.net;

import java.util.Map;

import gateway.testing.GatewayTestApp;
import gateway.testing.LogCapture;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real application (camel-main's startup order: configuration classes, then routes) installs the guarded
 * component for http and https, with the settings of DeliveryConfiguration, and the guard of its settings.
 */
class GuardWiringTest {

    static final Map<String, String> STAGES_OFF = Map.of("gateway.agent.stage-enabled", "false",
            "gateway.delivery.stage-enabled", "false");

    static void assertGuardedComponents(CamelContext context, AddressGuard guard) {
        for (String scheme : new String[] {"http", "https"}) {
            assertThat(context.getComponent(scheme)).as(scheme).isInstanceOf(GuardedHttpComponent.class);
            GuardedHttpComponent component = (GuardedHttpComponent) context.getComponent(scheme);
            assertThat(component.guard()).as(scheme).isSameAs(guard);
            HttpComponent http = component;
            assertThat(http.isAutomaticRetriesDisabled()).isTrue();
            assertThat(http.isFollowRedirects()).isFalse();
            assertThat(http.isRedirectHandlingDisabled()).isTrue();
        }
    }

    @Test
    void theLocalProfileAllowsPrivateTargetsAndSaysSo() throws Exception {
        try (LogCapture logs = LogCapture.start(); GatewayTestApp app = GatewayTestApp.start(STAGES_OFF)) {
            AddressGuard guard = app.bean("addressGuard", AddressGuard.class);
            assertThat(guard.allowsPrivate()).isTrue();
            assertGuardedComponents(app.context(), guard);
            assertThat(logs.events()).anyMatch(line -> line.startsWith("WARN")
                    && line.contains("Deliveries may reach private addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS=true)"));
        }
    }

    @Test
    void withTheGuardOnTheAppsHttpComponentRefusesTheLocalReceiverOnLoopback() throws Exception {
        try (LogCapture logs = LogCapture.start();
             GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.agent.stage-enabled", "false",
                     "gateway.delivery.stage-enabled", "false", "gateway.webhook.allow-private-targets", "false",
                     "gateway.webhook.allowed-cidrs", "10.20.0.0/16, fd00:1::/64"))) {
            AddressGuard guard = app.bean("addressGuard", AddressGuard.class);
            assertThat(guard.allowsPrivate()).isFalse();
            assertThat(guard.allowed()).extracting(Cidr::toString).containsExactly("10.20.0.0/16", "fd00:1:0:0:0:0:0:0/64");
            assertGuardedComponents(app.context(), guard);
            assertThat(logs.events()).anyMatch(line -> line.startsWith("INFO")
                    && line.contains("(WEBHOOK_ALLOWED_CIDRS): [10.20.0.0/16, fd00:1:0:0:0:0:0:0/64]"));
            assertThat(logs.events()).noneMatch(line -> line.contains("Deliveries may reach private addresses"));

            // the receiver the local profile started on loopback (WEBHOOK_URL): an endpoint made now, as the route's toD does
            String receiver = app.property("gateway.webhook.url");
            assertThat(receiver).startsWith("http://127.0.0.1:");
            Exchange done = app.context().createProducerTemplate().request(receiver + "?throwExceptionOnFailure=true",
                    e -> e.getMessage().setBody("{}"));
            assertThat(done.getException()).isInstanceOf(BlockedAddressException.class)
                    .hasMessageStartingWith("blocked_address: 127.0.0.1 is loopback (127.0.0.0/8)");
        }
    }
}
