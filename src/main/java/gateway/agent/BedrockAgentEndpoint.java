package gateway.agent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.util.TimeUtils;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;

/**
 * Invoke a Bedrock Agent (InvokeAgent) on the SDK's async client, with no thread held while it answers.
 *
 * <p>{@code bedrock-agent:<agentId>?aliasId=...}, producer only. Its options are the annotated fields below
 * (their descriptions and defaults are what Camel's tooling lists); its headers are {@link BedrockAgentConstants}:
 * in, {@code CamelBedrockAgentSessionId} (the session) and {@code CamelBedrockAgentSessionAttributes} /
 * {@code CamelBedrockAgentPromptSessionAttributes} ({@code Map<String, String>}, sent as the call's
 * {@code sessionState} when either is non-empty); out, the session used, the duration and the trace.
 * The route never goes on in the SDK's Netty I/O threads: what follows the call (a tracking-record write,
 * rendering, queueing) may block, and on an I/O thread it would hold up every other call's stream.
 * One async client per endpoint, created on start and closed on stop.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "bedrock-agent", title = "Bedrock Agent (InvokeAgent)",
        syntax = "bedrock-agent:agentId", producerOnly = true, category = { Category.AI, Category.CLOUD },
        headersClass = BedrockAgentConstants.class)
public class BedrockAgentEndpoint extends DefaultEndpoint {

    @UriPath(description = "The agent's id.")
    @Metadata(required = true)
    private final String agentId;
    @UriParam(description = "The agent alias to invoke.")
    @Metadata(required = true)
    private String aliasId;
    @UriParam(defaultValue = "true", description = "Ask the agent for trace events (counted, and summarised in a header).")
    private boolean enableTrace = true;
    @UriParam(defaultValue = "false", description = "The steps shown to the call's AgentProgress (exchange property "
            + "CamelBedrockAgentProgress) may show the inputs' values: action-group parameters and request body, "
            + "knowledge-base query (bounded). Off: they show what was called, never with what.")
    private boolean progressIncludeInputs;
    @UriParam(description = "The AWS region; default: the SDK's region chain (us-east-1 with an endpointOverride).")
    private String region;
    @UriParam(label = "advanced", description = "Another InvokeAgent endpoint, e.g. http://127.0.0.1:4566 for the emulator or a VPC endpoint.")
    private String endpointOverride;
    @UriParam(name = "timeout", defaultValue = "15m", javaType = "java.time.Duration",
            description = "The whole call's timeout: a Camel time pattern (15m, 1h30m, 90s) or milliseconds.")
    private long timeoutMillis = 15 * 60 * 1000L;
    @UriParam(defaultValue = "262144", description = "Larger answers (UTF-8 bytes) fail with a permanent AnswerTooLarge error.")
    private long maxAnswerBytes = 256 * 1024L;
    @UriParam(defaultValue = "20", description = "Trace events kept in the CamelBedrockAgentTraceSummary header.")
    private int maxTraceEvents = 20;
    @UriParam(label = "security", defaultValue = "false",
            description = "Sign with fixed dummy credentials (an emulator, no AWS account).")
    private boolean anonymousCredentials;
    @UriParam(label = "security", description = "The AWS credentials provider (#bean); default: the SDK's chain.")
    private AwsCredentialsProvider credentialsProvider;
    @UriParam(label = "advanced", defaultValue = "512",
            description = "HTTP connections, i.e. agent calls in flight at once per endpoint.")
    private int maxConcurrency = 512;
    @UriParam(label = "advanced", defaultValue = "8",
            description = "Threads on which the route goes on after an answer (never the SDK's I/O threads).")
    private int completionThreads = 8;
    private volatile ExecutorService completions;

    private volatile AgentClientFactory.OwnedClient client;

    public BedrockAgentEndpoint(String uri, BedrockAgentComponent component, String agentId) {
        super(uri, component);
        this.agentId = agentId;
    }

    @Override
    public BedrockAgentComponent getComponent() {
        return (BedrockAgentComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new BedrockAgentProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("bedrock-agent is a producer only: use it in to(...)");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ObjectHelper.notNullOrEmpty(aliasId, "aliasId");
        if (timeoutMillis <= 0 || maxAnswerBytes <= 0 || maxTraceEvents < 0 || maxConcurrency <= 0) {
            throw new IllegalArgumentException("bedrock-agent: timeout, maxAnswerBytes and maxConcurrency must be > 0, maxTraceEvents >= 0");
        }
        client = AgentClientFactory.create(this);
        // unbounded queue: a burst of answers waits for a thread, never runs on the I/O thread that delivered it
        completions = getCamelContext().getExecutorServiceManager().newThreadPool(this, "bedrock-agent-completion",
                new ThreadPoolProfileBuilder("bedrock-agent-completion").poolSize(completionThreads)
                        .maxPoolSize(completionThreads).maxQueueSize(-1).build());
    }

    @Override
    protected void doStop() throws Exception {
        AgentClientFactory.OwnedClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        ExecutorService e = completions;
        if (e != null) {
            getCamelContext().getExecutorServiceManager().shutdownGraceful(e);
        }
        super.doStop();
    }

    /** Runs the route's continuation after a call, off the SDK's I/O threads (in place once stopped). */
    void complete(Runnable continuation) {
        ExecutorService e = completions;
        try {
            if (e != null) {
                e.execute(continuation);
                return;
            }
        } catch (RejectedExecutionException stopping) {
            // shutting down: go on here rather than leave the exchange hanging
        }
        continuation.run();
    }

    BedrockAgentRuntimeAsyncClient client() {
        AgentClientFactory.OwnedClient c = client;
        if (c == null) {
            throw new IllegalStateException("bedrock-agent endpoint is not started");
        }
        return c.client();
    }

    public String getAgentId() {
        return agentId;
    }

    public String getAliasId() {
        return aliasId;
    }

    public void setAliasId(String aliasId) {
        this.aliasId = aliasId;
    }

    public boolean isEnableTrace() {
        return enableTrace;
    }

    public void setEnableTrace(boolean enableTrace) {
        this.enableTrace = enableTrace;
    }

    public boolean isProgressIncludeInputs() {
        return progressIncludeInputs;
    }

    public void setProgressIncludeInputs(boolean progressIncludeInputs) {
        this.progressIncludeInputs = progressIncludeInputs;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public String getEndpointOverride() {
        return endpointOverride;
    }

    public void setEndpointOverride(String endpointOverride) {
        this.endpointOverride = endpointOverride;
    }

    public long getTimeoutMillis() {
        return timeoutMillis;
    }

    /** A Camel time pattern ({@code 15m}, {@code 1h30m}, {@code 90s}) or plain milliseconds. */
    public void setTimeout(String timeout) {
        this.timeoutMillis = TimeUtils.toMilliSeconds(timeout);
    }

    public long getMaxAnswerBytes() {
        return maxAnswerBytes;
    }

    public void setMaxAnswerBytes(long maxAnswerBytes) {
        this.maxAnswerBytes = maxAnswerBytes;
    }

    public int getMaxTraceEvents() {
        return maxTraceEvents;
    }

    public void setMaxTraceEvents(int maxTraceEvents) {
        this.maxTraceEvents = maxTraceEvents;
    }

    public boolean isAnonymousCredentials() {
        return anonymousCredentials;
    }

    public void setAnonymousCredentials(boolean anonymousCredentials) {
        this.anonymousCredentials = anonymousCredentials;
    }

    public AwsCredentialsProvider getCredentialsProvider() {
        return credentialsProvider;
    }

    public void setCredentialsProvider(AwsCredentialsProvider credentialsProvider) {
        this.credentialsProvider = credentialsProvider;
    }

    public int getMaxConcurrency() {
        return maxConcurrency;
    }

    public int getCompletionThreads() {
        return completionThreads;
    }

    public void setCompletionThreads(int completionThreads) {
        this.completionThreads = completionThreads;
    }

    public void setMaxConcurrency(int maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
    }
}
