package ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static checks of k8s/aws/gateway-resources.yaml against the app and the least-privilege rules.
 * The template is written in long form (Ref:, Fn::Sub:), so a plain YAML parser reads it.
 */
class CloudFormationTemplateTest {

    private static final Path TEMPLATE = AppSettings.ROOT.resolve("k8s/aws/gateway-resources.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix", "AWS::NotificationARNs");
    /**
     * Actions for which IAM defines no resource type (Service Authorization Reference), so "*" is
     * the only Resource that can match them. Each must be granted alone in its statement.
     */
    private static final Set<String> ACTIONS_WITHOUT_RESOURCE_TYPE = Set.of("bedrock:RetrieveAndGenerate");
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!]+)}");

    private static String text;
    private static JsonNode template;

    @BeforeAll
    static void parse() throws IOException {
        text = AppSettings.read(TEMPLATE);
        template = YAML.readTree(text);
    }

    @Test
    void isLongFormCloudFormation() {
        assertThat(template.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
        assertThat(template.path("Resources").size()).isPositive();
        Matcher shortForm = Pattern.compile("(?m)(^|[\\s:\\[,-])!(Ref|Sub|GetAtt|If|Equals|Not|And|Or|Join|Select|Split"
                + "|Base64|FindInMap|ImportValue|GetAZs|Cidr|Condition)\\b").matcher(text);
        assertThat(shortForm.find()).as("short-form tag %s", shortForm.find(0) ? shortForm.group() : "").isFalse();
    }

    @Test
    void parameterDefaultsAreTheAppsDefaults() {
        JsonNode params = template.path("Parameters");
        assertThat(params.path("RequestsQueueName").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("REQUESTS_QUEUE")).isEqualTo("webhook-requests.fifo");
        assertThat(params.path("RequestsDeadLetterQueueName").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("REQUESTS_DLQ")).isEqualTo("webhook-requests-dlq.fifo");
        assertThat(params.path("DeliveriesQueueName").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("DELIVERIES_QUEUE")).isEqualTo("webhook-deliveries");
        assertThat(params.path("DeliveriesDeadLetterQueueName").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("DELIVERIES_DLQ")).isEqualTo("webhook-deliveries-dlq");
        assertThat(params.path("MaxReceiveCount").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("MAX_RECEIVE_COUNT"));
        assertThat(params.path("VisibilityTimeoutSeconds").path("Default").asText())
                .isEqualTo(AppSettings.requiredDefault("QUEUE_VISIBILITY_TIMEOUT_SECONDS"));
        // checked once the app reads S3_PREFIX with a default
        AppSettings.defaultOf("S3_PREFIX").ifPresent(prefix ->
                assertThat(params.path("S3Prefix").path("Default").asText()).as("S3Prefix vs S3_PREFIX").isEqualTo(prefix));
    }

    @Test
    void shortLivedClaimsExpireByThemselves() {
        // the app writes them and has no delete permission there: a lifecycle rule keeps the bucket from growing
        JsonNode rules = template.path("Resources").path("GatewayBucket").path("Properties").path("LifecycleConfiguration").path("Rules");
        Map<String, Integer> days = new java.util.TreeMap<>();
        rules.forEach(rule -> days.put(rule.path("Prefix").path("Fn::Sub").asText(), rule.path("ExpirationInDays").asInt()));
        assertThat(days).containsEntry("${S3Prefix}inbound-replay/", 1).containsEntry("${S3Prefix}idempotency/", 2);
        // idempotency keys live IDEMPOTENCY_TTL_HOURS (application.properties' default): the rule must outlast them
        assertThat(days.get("${S3Prefix}idempotency/") * 24).isGreaterThan(Integer.parseInt(AppSettings.requiredDefault("IDEMPOTENCY_TTL_HOURS")));
    }

    /**
     * Endpoint health (docs/endpoints.md) keeps the health records in endpoints/, parked deliveries in parked/ and the
     * copies of dead-lettered deliveries in undelivered/: the role reads and writes all three, lists them (the lanes,
     * a recover, the control API), and deletes in parked/ only (a released delivery leaves its lane).
     */
    @Test
    void endpointHealthPrefixesAreReadWrittenAndListedAndOnlyParkedDeliveriesDeleted() {
        Map<String, List<String>> resourcesByAction = new java.util.HashMap<>();
        for (JsonNode statement : roleStatements()) {
            for (String action : strings(statement.path("Action"))) {
                List<String> arns = resourcesByAction.computeIfAbsent(action, a -> new ArrayList<>());
                list(statement.path("Resource")).forEach(r -> arns.add(r.path("Fn::Sub").asText(r.asText())));
            }
        }
        for (String folder : List.of("endpoints/", "parked/", "undelivered/")) {
            String object = "${GatewayBucket.Arn}/${S3Prefix}" + folder + "crm%2Fanswers/0001764929736123_msg_x.json";
            for (String action : List.of("s3:GetObject", "s3:PutObject")) {
                assertThat(resourcesByAction.get(action)).as(action + " on " + folder)
                        .anySatisfy(arn -> assertThat(matches(arn, object)).isTrue());
            }
            assertThat(listablePrefixes()).as("s3:ListBucket for " + folder)
                    .anySatisfy(prefix -> assertThat(matches(prefix, "${S3Prefix}" + folder)).isTrue());
            boolean deletable = resourcesByAction.get("s3:DeleteObject").stream().anyMatch(arn -> matches(arn, object));
            assertThat(deletable).as("s3:DeleteObject in " + folder).isEqualTo(folder.equals("parked/"));
        }
        for (JsonNode statement : roleStatements()) {
            if (strings(statement.path("Action")).contains("s3:ListBucket")) {
                assertThat(strings(statement.path("Action"))).as("s3:ListBucket is granted alone").containsExactly("s3:ListBucket");
                assertThat(statement.path("Condition").path("StringLike").path("s3:prefix").isArray())
                        .as("every s3:ListBucket grant has an s3:prefix condition").isTrue();
            }
        }
    }

    /**
     * The copies of dead-lettered deliveries expire after 30 days (the recover window docs/endpoints.md states); parked
     * deliveries and the endpoints' health never expire by a rule: the gateway removes a parked delivery itself once it
     * is delivered or dead-lettered, so none may vanish silently. No rule covers the whole bucket either.
     */
    @Test
    void undeliveredCopiesExpireAfterThirtyDaysAndNoRuleTouchesParkedDeliveries() throws IOException {
        JsonNode rules = template.path("Resources").path("GatewayBucket").path("Properties").path("LifecycleConfiguration").path("Rules");
        Map<String, Integer> days = new java.util.TreeMap<>();
        for (JsonNode rule : rules) {
            assertThat(rule.has("Filter") || rule.has("TagFilters")).as("rule %s is by Prefix only", rule.path("Id")).isFalse();
            String prefix = rule.path("Prefix").path("Fn::Sub").asText("");
            assertThat(prefix).as("rule %s has a prefix under ${S3Prefix}", rule.path("Id")).matches("\\$\\{S3Prefix}[a-z-]+/");
            days.put(prefix, rule.path("ExpirationInDays").asInt());
        }
        assertThat(days).containsEntry("${S3Prefix}undelivered/", 30);
        for (String kept : List.of("${S3Prefix}parked/", "${S3Prefix}endpoints/")) {
            assertThat(days.keySet()).as("no lifecycle rule reaches " + kept)
                    .noneMatch(prefix -> kept.startsWith(prefix) || prefix.startsWith(kept));
        }
        assertThat(AppSettings.read(AppSettings.ROOT.resolve("docs/endpoints.md")))
                .as("docs/endpoints.md states the recover window").contains("30 days");
    }

    @Test
    void eachWorkQueueRedrivesToItsOwnDeadLetterQueue() {
        JsonNode resources = template.path("Resources");
        Map<String, String> workQueues = Map.of("RequestsQueueName", "RequestsQueue", "DeliveriesQueueName", "DeliveriesQueue");
        Set<String> deadLetterQueues = new HashSet<>();
        workQueues.forEach((param, queueId) -> {
            JsonNode queue = resources.path(queueId);
            assertThat(queue.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
            assertThat(queue.path("Properties").path("QueueName").path("Ref").asText()).isEqualTo(param);

            JsonNode redrive = queue.path("Properties").path("RedrivePolicy");
            assertThat(redrive.path("maxReceiveCount").path("Ref").asText()).as(queueId).isEqualTo("MaxReceiveCount");
            String dlqId = getAttTarget(redrive.path("deadLetterTargetArn"), "Arn");
            assertThat(dlqId).as(queueId + " deadLetterTargetArn").isNotNull();
            deadLetterQueues.add(dlqId);

            JsonNode dlq = resources.path(dlqId);
            assertThat(dlq.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
            assertThat(dlq.path("Properties").path("QueueName").path("Ref").asText())
                    .as("DLQ of %s is named by its own parameter, as the app names it by its own setting", queueId)
                    .isEqualTo(param.replace("QueueName", "DeadLetterQueueName"));
            assertThat(dlq.path("Properties").path("MessageRetentionPeriod").asInt()).as("DLQ retention 14 days").isEqualTo(1209600);
            assertThat(dlq.path("Properties").has("RedrivePolicy")).as("a DLQ does not redrive further").isFalse();
        });
        assertThat(deadLetterQueues).as("one DLQ per work queue").hasSize(2);
    }

    @Test
    void theRequestsQueueAndItsDeadLetterQueueAreHighThroughputFifoQueuesTheDeliveriesQueueIsNot() {
        JsonNode resources = template.path("Resources");
        for (String id : List.of("RequestsQueue", "RequestsDeadLetterQueue")) {
            JsonNode properties = resources.path(id).path("Properties");
            assertThat(properties.path("FifoQueue").asBoolean()).as(id + " FifoQueue").isTrue();
            assertThat(properties.path("ContentBasedDeduplication").asBoolean(true))
                    .as(id + ": deduplicated by the tracking id, never by content (two equal questions are two)").isFalse();
            assertThat(properties.path("DeduplicationScope").asText()).as(id).isEqualTo("messageGroup");
            assertThat(properties.path("FifoThroughputLimit").asText()).as(id).isEqualTo("perMessageGroupId");
        }
        JsonNode params = template.path("Parameters");
        for (String param : List.of("RequestsQueueName", "RequestsDeadLetterQueueName")) {
            Pattern allowed = Pattern.compile(params.path(param).path("AllowedPattern").asText());
            assertThat(allowed.matcher(params.path(param).path("Default").asText()).matches()).as(param).isTrue();
            assertThat(allowed.matcher("webhook-requests").matches()).as(param + ": a FIFO name ends in .fifo").isFalse();
        }
        for (String id : List.of("DeliveriesQueue", "DeliveriesDeadLetterQueue")) {
            assertThat(resources.path(id).path("Properties").has("FifoQueue")).as(id + " stays a standard queue").isFalse();
        }
    }

    @Test
    void iamPolicyGrantsNoWildcardResourceForSqsS3OrBedrock() {
        List<String> problems = new ArrayList<>();
        for (JsonNode statement : roleStatements()) {
            List<String> actions = strings(statement.path("Action"));
            List<JsonNode> resources = list(statement.path("Resource"));
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.has("NotAction") || statement.has("NotResource")).isFalse();
            for (String action : actions) {
                if (action.endsWith("*")) {
                    problems.add("wildcard action " + action);
                }
            }
            boolean scopedService = actions.stream().anyMatch(a -> a.matches("(sqs|s3|bedrock):.*"));
            for (JsonNode resource : resources) {
                String arn = resource.isTextual() ? resource.asText() : resource.path("Fn::Sub").asText("");
                boolean wildcard = arn.equals("*") || arn.contains(":*") || arn.matches(".*:\\*?$");
                if (scopedService && wildcard) {
                    if (ACTIONS_WITHOUT_RESOURCE_TYPE.containsAll(actions) && arn.equals("*")) {
                        continue; // the only Resource IAM can match for these actions
                    }
                    problems.add(actions + " on " + arn);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void iamPolicyScopesEachServiceToThisInstallation() {
        Map<String, List<JsonNode>> byAction = new java.util.HashMap<>();
        for (JsonNode statement : roleStatements()) {
            if (statement.path("Sid").asText().startsWith("AwsDestination")) {
                continue; // the AWS destinations' statements: awsDestinationsAreGrantedOnlyWhatTheirParametersName
            }
            for (String action : strings(statement.path("Action"))) {
                byAction.computeIfAbsent(action, a -> new ArrayList<>()).addAll(list(statement.path("Resource")));
            }
        }
        assertThat(byAction.keySet()).containsAll(List.of("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                "bedrock:InvokeAgent", "s3:PutObject", "s3:GetObject"));
        for (String action : byAction.keySet()) {
            if (action.startsWith("sqs:")) {
                Set<String> queues = new TreeSet<>();
                byAction.get(action).forEach(r -> queues.add(String.valueOf(getAttTarget(r, "Arn"))));
                assertThat(queues).as(action).containsExactlyInAnyOrder(
                        "RequestsQueue", "RequestsDeadLetterQueue", "DeliveriesQueue", "DeliveriesDeadLetterQueue");
            }
            if (action.equals("s3:ListBucket")) {
                // the bucket, with a prefix condition (checked below)
                assertThat(byAction.get(action)).as(action).allSatisfy(r ->
                        assertThat(getAttTarget(r, "Arn")).isEqualTo("GatewayBucket"));
            } else if (action.equals("s3:DeleteObject")) {
                // the watched prefix (cancellation markers, open event logs) and the parked deliveries only
                Set<String> deletable = new TreeSet<>();
                byAction.get(action).forEach(r -> deletable.add(r.path("Fn::Sub").asText()));
                assertThat(deletable).as(action).containsExactlyInAnyOrder(
                        "${GatewayBucket.Arn}/${S3Prefix}watch/*", "${GatewayBucket.Arn}/${S3Prefix}parked/*");
            } else if (action.startsWith("s3:")) {
                assertThat(byAction.get(action)).as(action).allSatisfy(r ->
                        assertThat(r.path("Fn::Sub").asText()).isEqualTo("${GatewayBucket.Arn}/${S3Prefix}*"));
            }
        }
        assertThat(listablePrefixes()).as("s3:ListBucket only for these prefixes").containsExactlyInAnyOrder(
                "${S3Prefix}watch/*", "${S3Prefix}endpoints/*", "${S3Prefix}parked/*", "${S3Prefix}undelivered/*",
                "${S3Prefix}index/*");
        assertThat(byAction.get("bedrock:InvokeAgent")).singleElement().satisfies(r ->
                assertThat(r.path("Fn::Sub").asText()).endsWith(":agent-alias/${AgentId}/${AgentAliasId}"));
        assertThat(byAction.get("bedrock:Retrieve")).singleElement().satisfies(r ->
                assertThat(r.path("Fn::Sub").asText()).endsWith(":knowledge-base/${KnowledgeBaseId}"));
    }

    @Test
    void awsDestinationsAreGrantedOnlyWhatTheirParametersName() {
        Map<String, List<String>> expected = Map.of(
                "AwsDestinationQueues", List.of("HasDestinationQueues", "DestinationQueueArns", "sqs:SendMessage"),
                "AwsDestinationTopics", List.of("HasDestinationTopics", "DestinationTopicArns", "sns:Publish"),
                "AwsDestinationEventBuses", List.of("HasDestinationEventBuses", "DestinationEventBusArns", "events:PutEvents"),
                "AwsDestinationKmsKeys", List.of("HasDestinationKmsKeys", "DestinationKmsKeyArns", "kms:GenerateDataKey,kms:Decrypt"));
        Set<String> seen = new TreeSet<>();
        for (JsonNode entry : policyStatementsNode()) {
            for (JsonNode statement : branches(entry)) {
                String sid = statement.path("Sid").asText();
                List<String> actions = strings(statement.path("Action"));
                if (actions.stream().anyMatch(a -> a.matches("(sns|events|kms):.*"))) {
                    assertThat(sid).as("%s only in an AWS destination statement", actions).startsWith("AwsDestination");
                }
                if (!sid.startsWith("AwsDestination")) {
                    continue;
                }
                List<String> wanted = expected.get(sid);
                assertThat(wanted).as(sid).isNotNull();
                seen.add(sid);
                // only when its parameter is set, on exactly the ARNs it lists, with only the send action
                assertThat(entry.path("Fn::If").get(0).asText()).as(sid).isEqualTo(wanted.get(0));
                assertThat(entry.path("Fn::If").get(2).path("Ref").asText()).as(sid).isEqualTo("AWS::NoValue");
                assertThat(statement.path("Resource").path("Ref").asText()).as(sid).isEqualTo(wanted.get(1));
                assertThat(String.join(",", actions)).as(sid).isEqualTo(wanted.get(2));
                JsonNode param = template.path("Parameters").path(wanted.get(1));
                assertThat(param.path("Type").asText()).isEqualTo("CommaDelimitedList");
                assertThat(param.path("Default").asText()).as("%s grants nothing by default", wanted.get(1)).isEmpty();
                Pattern allowed = Pattern.compile(param.path("AllowedPattern").asText());
                assertThat(allowed.matcher("*").matches()).as(wanted.get(1) + " refuses a wildcard").isFalse();
                assertThat(allowed.matcher("arn:aws:sqs:eu-west-1:123456789012:*").matches()).as(wanted.get(1)).isFalse();
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected.keySet());
        Pattern queues = Pattern.compile(template.path("Parameters").path("DestinationQueueArns").path("AllowedPattern").asText());
        assertThat(queues.matcher("arn:aws:sqs:eu-west-1:123456789012:answers.fifo").matches()).isTrue();
    }

    @Test
    void knowledgeBaseGrantsExistOnlyWhenAKnowledgeBaseIsConfigured() {
        JsonNode statements = policyStatementsNode();
        for (JsonNode entry : statements) {
            List<String> actions = new ArrayList<>();
            for (JsonNode s : branches(entry)) {
                actions.addAll(strings(s.path("Action")));
            }
            if (actions.stream().anyMatch(a -> a.startsWith("bedrock:Retrieve") || a.equals("bedrock:InvokeModel"))) {
                assertThat(entry.has("Fn::If")).as("conditional statement for %s", actions).isTrue();
                assertThat(entry.path("Fn::If").get(0).asText()).startsWith("HasKnowledgeBase");
                assertThat(entry.path("Fn::If").get(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
            }
        }
    }

    @Test
    void draftAgentAliasIsRefused() {
        JsonNode params = template.path("Parameters");
        assertThat(params.path("AgentAliasId").has("Default")).as("no default alias").isFalse();
        assertThat(params.path("AgentId").path("AllowedPattern").asText()).isNotBlank();
        boolean ruleRefusesDraft = false;
        for (JsonNode rule : iterable(template.path("Rules"))) {
            String assertions = rule.path("Assertions").toString();
            ruleRefusesDraft |= assertions.contains("\"Fn::Not\"") && assertions.contains("TSTALIASID")
                    && assertions.contains("\"Ref\":\"AgentAliasId\"");
        }
        assertThat(ruleRefusesDraft).as("a Rules assertion refuses AgentAliasId = TSTALIASID").isTrue();
    }

    @Test
    void roleTrustIsThisServiceAccountThroughTheClustersOidcProvider() throws IOException {
        JsonNode role = template.path("Resources").path("GatewayRole");
        JsonNode trust = JSON.readTree(role.path("Properties").path("AssumeRolePolicyDocument").path("Fn::Sub").asText());
        JsonNode statement = trust.path("Statement").get(0);
        assertThat(trust.path("Statement").size()).isEqualTo(1);
        assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
        assertThat(statement.path("Principal").path("Federated").asText()).endsWith(":oidc-provider/${OidcProviderUrl}");
        JsonNode equals = statement.path("Condition").path("StringEquals");
        assertThat(equals.path("${OidcProviderUrl}:sub").asText())
                .isEqualTo("system:serviceaccount:${Namespace}:${ServiceAccountName}");
        assertThat(equals.path("${OidcProviderUrl}:aud").asText()).isEqualTo("sts.amazonaws.com");

        // defaults name what the manifests deploy (no kubectl needed: read the sources)
        JsonNode params = template.path("Parameters");
        JsonNode prod = YAML.readTree(AppSettings.read(AppSettings.ROOT.resolve("k8s/overlays/prod/kustomization.yaml")));
        JsonNode sa = YAML.readTree(AppSettings.read(AppSettings.ROOT.resolve("k8s/base/serviceaccount.yaml")));
        assertThat(params.path("Namespace").path("Default").asText()).isEqualTo(prod.path("namespace").asText());
        assertThat(params.path("ServiceAccountName").path("Default").asText()).isEqualTo(sa.path("metadata").path("name").asText());
        String irsaPatch = AppSettings.read(AppSettings.ROOT.resolve("k8s/overlays/prod/serviceaccount-irsa.yaml"));
        assertThat(irsaPatch).contains(":role/" + params.path("RoleName").path("Default").asText());
    }

    @Test
    void containsNoAccountIdLiteral() {
        Matcher m = Pattern.compile("(?<![0-9])[0-9]{12}(?![0-9])").matcher(text);
        assertThat(m.find()).as("12-digit number %s", m.find(0) ? m.group() : "").isFalse();
        assertThat(text).doesNotContain("arn:aws:");   // partition and account come from pseudo parameters
    }

    @Test
    void everyReferenceResolves() {
        Set<String> defined = new HashSet<>(PSEUDO);
        template.path("Parameters").fieldNames().forEachRemaining(defined::add);
        template.path("Resources").fieldNames().forEachRemaining(defined::add);
        Set<String> conditions = new HashSet<>();
        template.path("Conditions").fieldNames().forEachRemaining(conditions::add);

        List<String> dangling = new ArrayList<>();
        walk(template, node -> {
            if (node.has("Ref") && !defined.contains(node.path("Ref").asText())) {
                dangling.add("Ref " + node.path("Ref").asText());
            }
            if (node.has("Fn::GetAtt") && !template.path("Resources").has(node.path("Fn::GetAtt").get(0).asText())) {
                dangling.add("GetAtt " + node.path("Fn::GetAtt"));
            }
            if (node.has("Fn::If") && !conditions.contains(node.path("Fn::If").get(0).asText())) {
                dangling.add("If " + node.path("Fn::If").get(0).asText());
            }
            if (node.has("Condition") && node.path("Condition").isTextual() && !conditions.contains(node.path("Condition").asText())) {
                dangling.add("Condition " + node.path("Condition").asText());
            }
            if (node.has("Fn::Sub")) {
                Matcher m = SUB_VAR.matcher(node.path("Fn::Sub").asText());
                while (m.find()) {
                    String var = m.group(1).contains(".") && !m.group(1).startsWith("AWS::")
                            ? m.group(1).substring(0, m.group(1).indexOf('.'))
                            : m.group(1);
                    if (!defined.contains(var)) {
                        dangling.add("Sub ${" + m.group(1) + "}");
                    }
                }
            }
        });
        assertThat(dangling).isEmpty();
    }

    @Test
    void outputsGiveOperatorsWhatTheManifestsNeed() {
        assertThat(iterableNames(template.path("Outputs"))).contains(
                "RequestsQueueUrl", "DeliveriesQueueUrl", "RequestsDeadLetterQueueUrl", "DeliveriesDeadLetterQueueUrl",
                "BucketName", "RoleArn");
    }

    @Test
    void bucketIsPrivateAndEncrypted() {
        JsonNode bucket = template.path("Resources").path("GatewayBucket").path("Properties");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertThat(block.path(flag).asBoolean()).as(flag).isTrue();
        }
        assertThat(bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration").size()).isPositive();
    }

    // =============================================================================== helpers

    /** The s3:prefix values of every s3:ListBucket grant. */
    private static Set<String> listablePrefixes() {
        Set<String> prefixes = new TreeSet<>();
        for (JsonNode statement : roleStatements()) {
            if (strings(statement.path("Action")).contains("s3:ListBucket")) {
                list(statement.path("Condition").path("StringLike").path("s3:prefix"))
                        .forEach(p -> prefixes.add(p.path("Fn::Sub").asText(p.asText())));
            }
        }
        return prefixes;
    }

    /** Whether an IAM pattern ({@code *} any characters, {@code ?} one) matches {@code value}, as StringLike does. */
    private static boolean matches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return value.matches(regex.toString());
    }

    private static JsonNode policyStatementsNode() {
        JsonNode policies = template.path("Resources").path("GatewayRole").path("Properties").path("Policies");
        assertThat(policies.size()).isEqualTo(1);
        return policies.get(0).path("PolicyDocument").path("Statement");
    }

    /** Every statement of the role's policy, both branches of a conditional one included. */
    private static List<JsonNode> roleStatements() {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode entry : policyStatementsNode()) {
            statements.addAll(branches(entry));
        }
        return statements;
    }

    private static List<JsonNode> branches(JsonNode entry) {
        List<JsonNode> out = new ArrayList<>();
        if (entry.has("Fn::If")) {
            for (int i = 1; i <= 2; i++) {
                JsonNode branch = entry.path("Fn::If").get(i);
                if (branch.isObject() && !branch.has("Ref")) {
                    out.add(branch);
                }
            }
        } else {
            out.add(entry);
        }
        return out;
    }

    private static String getAttTarget(JsonNode node, String attribute) {
        JsonNode getAtt = node.path("Fn::GetAtt");
        if (getAtt.isArray() && getAtt.size() == 2 && getAtt.get(1).asText().equals(attribute)) {
            return getAtt.get(0).asText();
        }
        if (getAtt.isTextual() && getAtt.asText().endsWith("." + attribute)) {
            return getAtt.asText().substring(0, getAtt.asText().length() - attribute.length() - 1);
        }
        return null;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        list(node).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (!node.isMissingNode()) {
            out.add(node);
        }
        return out;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node::elements;
    }

    private static Set<String> iterableNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visitor) {
        if (node.isObject()) {
            visitor.accept(node);
            node.elements().forEachRemaining(child -> walk(child, visitor));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> walk(child, visitor));
        }
    }
}
