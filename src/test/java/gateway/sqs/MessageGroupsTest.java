package gateway.sqs;

import java.util.Map;

import gateway.flow.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A message sent again keeps its group (its session) and is deduplicated by the received message's id. */
class MessageGroupsTest {

    static final DefaultCamelContext CONTEXT = new DefaultCamelContext();

    @Test
    void aResendKeepsTheReceivedGroupAfterTheSqsHeadersAreGone() {
        Exchange exchange = new DefaultExchange(CONTEXT);
        // as the aws2-sqs consumer puts them (attributeNames=All)
        exchange.getMessage().setHeader(Sqs2Constants.ATTRIBUTES, Map.of("MessageGroupId", "s-session", "ApproximateReceiveCount", "2"));
        exchange.getMessage().setHeader(Sqs2Constants.MESSAGE_ID, "msg-1");
        MessageGroups.received(exchange);
        exchange.getMessage().removeHeaders("*"); // what DeadLetters.annotate does

        MessageGroups.resend(exchange);
        assertThat(exchange.getMessage().getHeader(SqsBatchConstants.MESSAGE_GROUP_ID)).isEqualTo("s-session");
        assertThat(exchange.getMessage().getHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID)).isEqualTo("msg-1");
    }

    @Test
    void withoutAReceivedGroupTheTrackingIdStandsInForIt() {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.setProperty(FlowProperties.TRACKING_ID, "t-1");
        MessageGroups.received(exchange);

        MessageGroups.resend(exchange);
        assertThat(exchange.getMessage().getHeader(SqsBatchConstants.MESSAGE_GROUP_ID)).isEqualTo("t-1");
        assertThat(exchange.getMessage().getHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID)).isEqualTo(exchange.getExchangeId());
    }
}
