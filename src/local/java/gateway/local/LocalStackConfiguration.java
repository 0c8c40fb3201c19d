package gateway.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import gateway.delivery.WebhookSigner;
import gateway.http.FreePort;
import gateway.security.SecretSetting;
import io.vertx.core.Vertx;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local profile's stand-ins for AWS and for the caller, listed first in its
 * {@code camel.main.configurationClasses}: for each of SQS, S3, the agent and the webhook receiver whose
 * setting ({@code SQS_ENDPOINT}, {@code S3_ENDPOINT}, {@code BEDROCK_ENDPOINT}, {@code WEBHOOK_URL}) is empty,
 * it starts the local one (embedded ElasticMQ, embedded S3Proxy, the agent emulator, the local receiver) on
 * loopback and sets that setting to it. The production configuration classes that follow see only
 * endpoints; they never know whether what answers there is local.
 *
 * <p>The stand-ins start while the configuration classes are prepared ({@link #localStack}, before any of
 * them reads its settings), so their actual ports (0 picks one) are in the settings the others read. The
 * queues (each with its dead-letter queue) and the bucket are then created where missing
 * ({@link #configure}, before the SQS configuration reads their redrive policies).
 */
public class LocalStackConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackConfiguration.class);
    private static final String LOOPBACK = "127.0.0.1";

    @PropertyInject(value = "gateway.sqs.endpoint", defaultValue = "")
    private String sqsEndpoint;
    @PropertyInject("gateway.local.sqs-port")
    private int sqsPort;
    @PropertyInject(value = "gateway.s3.endpoint", defaultValue = "")
    private String s3Endpoint;
    @PropertyInject("gateway.local.s3-port")
    private int s3Port;
    @PropertyInject(value = "gateway.agent.endpoint", defaultValue = "")
    private String agentEndpoint;
    @PropertyInject("gateway.local.agent-emulator")
    private boolean agentEmulator;
    @PropertyInject("gateway.local.agent-port")
    private int agentPort;
    @PropertyInject("gateway.local.agent-latency-ms")
    private long agentLatencyMs;
    @PropertyInject(value = "gateway.webhook.url", defaultValue = "")
    private String webhookUrl;
    @PropertyInject("gateway.local.receiver-port")
    private int receiverPort;
    @PropertyInject(value = "gateway.webhook.signing.secret", defaultValue = "")
    private String signingSecret;
    @PropertyInject(value = "gateway.webhook.signing.file", defaultValue = "")
    private String signingSecretFile;
    @PropertyInject("gateway.local.create-queues")
    private boolean createQueues;
    @PropertyInject("gateway.local.create-bucket")
    private boolean createBucket;
    @PropertyInject("gateway.aws.region")
    private String region;
    @PropertyInject("gateway.queue.requests")
    private String requestsQueue;
    @PropertyInject("gateway.queue.requests-dlq")
    private String requestsDeadLetterQueue;
    @PropertyInject("gateway.queue.deliveries")
    private String deliveriesQueue;
    @PropertyInject("gateway.queue.deliveries-dlq")
    private String deliveriesDeadLetterQueue;
    @PropertyInject("gateway.queue.max-receive-count")
    private int maxReceiveCount;
    @PropertyInject("gateway.queue.visibility-timeout-seconds")
    private int visibilityTimeoutSeconds;
    @PropertyInject("gateway.s3.bucket")
    private String bucket;

    private LocalStack stack;

    /**
     * What this profile started, each stopped with the context (the last to stop: added first). Camel may call
     * this more than once while it prepares the configuration classes: the stand-ins start on the first call.
     */
    @BindToRegistry("localStack")
    public synchronized LocalStack localStack(CamelContext context) throws Exception {
        if (stack != null) {
            return stack;
        }
        PropertiesComponent settings = context.getPropertiesComponent();
        stack = new LocalStack();
        context.addService(stack, true, true);
        if (sqsEndpoint.isBlank()) {
            EmbeddedSqsServer sqs = stack.add(new EmbeddedSqsServer(sqsPort));
            ServiceHelper.startService(sqs);
            sqsEndpoint = sqs.endpoint().toString();
            settings.addOverrideProperty("gateway.sqs.endpoint", sqsEndpoint);
        }
        if (s3Endpoint.isBlank()) {
            EmbeddedS3Server s3 = stack.add(new EmbeddedS3Server(s3Port));
            ServiceHelper.startService(s3);
            s3Endpoint = s3.endpoint().toString();
            settings.addOverrideProperty("gateway.s3.endpoint", s3Endpoint);
            // S3Proxy ignores If-None-Match / If-Match on PUT (see EmbeddedS3ServerTest)
            settings.addOverrideProperty("gateway.s3.conditional-writes", "false");
        }
        if (agentEndpoint.isBlank() && agentEmulator) {
            AgentEmulator emulator = new AgentEmulator(AgentEmulator.Settings.defaults().withLatencyMillis(agentLatencyMs));
            stack.add(emulator::stop);
            emulator.start(agentPort);
            stack.agentEmulator = emulator;
            context.getRegistry().bind("agentEmulator", AgentEmulator.class, emulator);
            settings.addOverrideProperty("gateway.agent.endpoint", emulator.baseUrl());
            LOG.warn("Agent emulator (no AWS) answering InvokeAgent on {}", emulator.baseUrl());
        }
        if (webhookUrl.isBlank()) {
            String secret = SecretSetting.resolve("WEBHOOK_SIGNING_SECRET", signingSecret, signingSecretFile);
            if (secret.isBlank()) {
                secret = WebhookSigner.generateSecret();
                settings.addOverrideProperty("gateway.webhook.signing.secret", secret);
                LOG.warn("No WEBHOOK_SIGNING_SECRET: deliveries are signed with a secret generated for this run");
            }
            FreePort.require(LOOPBACK, receiverPort); // a taken port is named by the start's one line
            Vertx vertx = Vertx.vertx();
            stack.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get());
            LocalReceiver receiver = new LocalReceiver(vertx, receiverPort, secret, 100).start();
            stack.add(receiver);
            stack.receiver = receiver;
            context.getRegistry().bind("localReceiver", LocalReceiver.class, receiver);
            settings.addOverrideProperty("gateway.webhook.url", receiver.url());
            LOG.warn("No WEBHOOK_URL: deliveries go to the local receiver {} (latest on GET {} and /observe/receiver "
                    + "on the management port)", receiver.url(), receiver.url());
        }
        return stack;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY));
        if (createQueues) {
            try (SqsClient sqs = SqsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                    .endpointOverride(URI.create(sqsEndpoint.trim())).build()) {
                QueueProvisioner provisioner = new QueueProvisioner(sqs);
                provisioner.ensureQueueWithDeadLetterQueue(requestsQueue, requestsDeadLetterQueue, maxReceiveCount,
                        visibilityTimeoutSeconds);
                provisioner.ensureQueueWithDeadLetterQueue(deliveriesQueue, deliveriesDeadLetterQueue, maxReceiveCount,
                        visibilityTimeoutSeconds);
            }
        }
        if (createBucket) {
            try (S3Client s3 = S3Client.builder().region(Region.of(region)).credentialsProvider(credentials)
                    .endpointOverride(URI.create(s3Endpoint.trim())).forcePathStyle(true).build()) {
                new BucketProvisioner(s3).ensureBucket(bucket);
            }
        }
        if (stack.receiver != null) {
            ReceiverPage.mountOnManagementPort(context, stack.receiver);
        }
    }

    /** The stand-ins this profile started: stopped, newest first, when the context stops. */
    public static final class LocalStack extends org.apache.camel.support.service.ServiceSupport {

        private final List<AutoCloseable> started = new ArrayList<>();
        private volatile AgentEmulator agentEmulator;
        private volatile LocalReceiver receiver;

        <T extends AutoCloseable> T add(T resource) {
            started.add(resource);
            return resource;
        }

        /** The agent emulator, or null when {@code BEDROCK_ENDPOINT} points elsewhere. */
        public AgentEmulator agentEmulator() {
            return agentEmulator;
        }

        /** The local receiver, or null when {@code WEBHOOK_URL} is set. */
        public LocalReceiver receiver() {
            return receiver;
        }

        @Override
        protected void doStop() {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    LOG.warn("A local stand-in did not stop cleanly: {}", e.toString());
                }
            }
            started.clear();
        }
    }
}
