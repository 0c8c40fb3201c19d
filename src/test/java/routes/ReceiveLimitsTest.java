package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import gateway.sqs.QueueLimits;
import gateway.testing.GatewayTestApp;
import org.junit.jupiter.api.Test;

/** The receives each work queue allows, read from its redrive policy at start, and what the start refuses. */
class ReceiveLimitsTest {

    @Test
    void aDeliveryScheduleThatNeedsMoreReceivesThanTheQueueAllowsIsRefusedAtStart() {
        // three steps need four receives; the queues are created allowing three
        assertThatThrownBy(() -> GatewayTestApp.start(Map.of("gateway.queue.max-receive-count", "3",
                "gateway.delivery.schedule", "1s,1s,1s")).close())
                .satisfies(e -> assertThat(ProdProfileSecurityTest.rootCause(e).getMessage())
                        .isEqualTo("DELIVERY_SCHEDULE (1s,1s,1s) needs 4 receives of webhook-deliveries but its redrive policy "
                                + "(MAX_RECEIVE_COUNT) allows 3: shorten DELIVERY_SCHEDULE or raise MAX_RECEIVE_COUNT to 4"));
    }

    @Test
    void theLimitsAreReadFromTheQueuesRedrivePolicies() throws Exception {
        try (GatewayTestApp app = GatewayTestApp.start(Map.of("gateway.queue.max-receive-count", "4"))) {
            QueueLimits limits = app.bean("queueLimits", QueueLimits.class);
            assertThat(limits.maxReceives("requests")).hasValue(4);
            assertThat(limits.maxReceives("deliveries")).hasValue(4);
        }
    }

    @Test
    void theDefaultsAgree() {
        // DELIVERY_SCHEDULE's five steps need six receives: the default MAX_RECEIVE_COUNT (and the CloudFormation
        // template's, see CloudFormationTemplateTest) allows them
        assertThat(ops.AppSettings.requiredDefault("MAX_RECEIVE_COUNT")).isEqualTo("6");
        assertThat(gateway.delivery.RetrySchedule.parse(ops.AppSettings.requiredDefault("DELIVERY_SCHEDULE")).attempts()).isEqualTo(6);
    }
}
