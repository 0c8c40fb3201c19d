package gateway.config;

import java.time.Clock;
import java.time.Duration;

import gateway.agent.KnowledgeBaseSessions;
import gateway.agent.PromptBuilder;
import gateway.answer.DeliveryMessageWriter;
import gateway.answer.RequestMessageReader;
import gateway.render.MarkdownPlainText;
import gateway.sqs.DeadLetters;
import gateway.tracking.S3RecordStore;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.throttling.ThrottlingInflightRoutePolicy;
import org.apache.camel.util.TimeUtils;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeClient;

/**
 * The agent stage's beans: prompt, request reader, delivery message writer, dead letters, the in-flight
 * limit.
 */
public class AgentConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.agent.max-in-flight")
    private int maxInFlight;
    @PropertyInject("gateway.agent.anonymous-credentials")
    private boolean anonymousCredentials;
    @PropertyInject("gateway.agent.timeout")
    private String timeout;
    @PropertyInject(value = "gateway.agent.knowledge-base-session-lifetime", defaultValue = "23h")
    private String knowledgeBaseSessionLifetime;

    /**
     * The client of the knowledge-base mode ({@code AGENT_MODE=knowledge-base}): Camel's own
     * {@code aws-bedrock-agent-runtime} endpoint answers with retrieveAndGenerate. SDK retries are off,
     * as for the agent: the route decides.
     */
    @BindToRegistry(value = "knowledgeBaseClient", destroyMethod = "close")
    public BedrockAgentRuntimeClient knowledgeBaseClient(AwsSettings aws) {
        var builder = BedrockAgentRuntimeClient.builder()
                .region(Region.of(aws.region()))
                .credentialsProvider(AwsSettings.credentials(anonymousCredentials, aws.agentEndpoint()))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofMillis(TimeUtils.toMilliSeconds(timeout)))); // as the bedrock-agent endpoint reads it
        if (AwsSettings.override(aws.agentEndpoint()) != null) {
            builder.endpointOverride(AwsSettings.override(aws.agentEndpoint()));
        }
        return builder.build();
    }

    /** Knowledge-base mode: the sessionId Bedrock gave each caller's conversation, kept in the record store. */
    @BindToRegistry(value = "knowledgeBaseSessions", lazy = true)
    public KnowledgeBaseSessions knowledgeBaseSessions(S3RecordStore store) {
        return new KnowledgeBaseSessions(store, Duration.ofMillis(TimeUtils.toMilliSeconds(knowledgeBaseSessionLifetime)),
                Clock.systemUTC());
    }

    @BindToRegistry("promptBuilder")
    public PromptBuilder promptBuilder() {
        return new PromptBuilder(Clock.systemUTC());
    }

    @BindToRegistry("requestMessageReader")
    public RequestMessageReader requestMessageReader() {
        return new RequestMessageReader();
    }

    @BindToRegistry(value = "deliveryMessageWriter", lazy = true)
    public DeliveryMessageWriter deliveryMessageWriter(AwsSettings aws) {
        return new DeliveryMessageWriter(new MarkdownPlainText(), Clock.systemUTC(), aws.sqsMaxMessageBytes());
    }

    @BindToRegistry("deadLetters")
    public DeadLetters deadLetters() {
        return new DeadLetters(Clock.systemUTC());
    }

    /** At most {@code AGENT_MAX_IN_FLIGHT} requests in the route: beyond that the consumer stops polling. */
    @BindToRegistry("agentInFlightLimit")
    public ThrottlingInflightRoutePolicy agentInFlightLimit() {
        ThrottlingInflightRoutePolicy policy = new ThrottlingInflightRoutePolicy();
        policy.setMaxInflightExchanges(maxInFlight);
        policy.setResumePercentOfMax(90);
        policy.setScope(ThrottlingInflightRoutePolicy.ThrottlingScope.Route);
        return policy;
    }
}
