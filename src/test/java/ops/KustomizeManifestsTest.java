package ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each kustomize overlay with {@code kubectl kustomize} and checks the result against the
 * app: the ports and probe paths it serves, the environment variables it reads, and the
 * operational rules (no secret values, resources, restricted security context, shutdown budget).
 * Skipped (not failed) where kubectl is not installed.
 */
class KustomizeManifestsTest {

    private static final String GATEWAY = "ai-webhook-gateway";
    private static final Pattern SECRETISH = Pattern.compile(".*(SECRET|TOKEN|KEYS|PASSWORD).*");
    private static final Pattern ACCOUNT_ID = Pattern.compile("(?<![0-9])[0-9]{12}(?![0-9])");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    @BeforeAll
    static void kubectlPresent() {
        Assumptions.assumeTrue(run(List.of("kubectl", "version", "--client")).exitCode == 0,
                "kubectl is not installed: kustomize manifests not checked");
    }

    // ------------------------------------------------------------------------------- the app's ports

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void probesAreTheAppsHealthEndpointsOnItsManagementPort(String overlay) {
        Rendered r = render(overlay);
        JsonNode container = r.gatewayContainer();
        int managementPort = r.effectiveInt("MANAGEMENT_PORT");

        JsonNode startup = container.path("startupProbe");
        JsonNode readiness = container.path("readinessProbe");
        JsonNode liveness = container.path("livenessProbe");
        assertThat(startup.isObject()).as("startupProbe").isTrue();
        assertThat(readiness.isObject()).as("readinessProbe").isTrue();
        assertThat(liveness.isObject()).as("livenessProbe").isTrue();

        assertThat(readiness.path("httpGet").path("path").asText()).isEqualTo("/observe/health/ready");
        assertThat(liveness.path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        assertThat(startup.path("httpGet").path("path").asText()).isIn("/observe/health/live", "/observe/health/ready");
        for (JsonNode probe : List.of(startup, readiness, liveness)) {
            assertThat(r.containerPortNumber(container, probe.path("httpGet").path("port")))
                    .as("probe port %s", probe.path("httpGet").path("port"))
                    .isEqualTo(managementPort);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void containerAndServiceExposeTheAppsPorts(String overlay) {
        Rendered r = render(overlay);
        int http = r.effectiveInt("HTTP_PORT");
        int management = r.effectiveInt("MANAGEMENT_PORT");
        JsonNode container = r.gatewayContainer();
        assertThat(r.containerPortNumber(container, YAML.getNodeFactory().textNode("http"))).isEqualTo(http);
        assertThat(r.containerPortNumber(container, YAML.getNodeFactory().textNode("management"))).isEqualTo(management);

        JsonNode service = r.one("Service", GATEWAY);
        Set<Integer> targets = new TreeSet<>();
        for (JsonNode port : service.path("spec").path("ports")) {
            targets.add(r.containerPortNumber(container, port.path("targetPort")));
        }
        assertThat(targets).containsExactlyInAnyOrder(http, management);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void prometheusScrapesTheManagementPortMetricsPath(String overlay) {
        Rendered r = render(overlay);
        JsonNode annotations = r.gatewayDeployment().path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/observe/metrics");
        assertThat(annotations.path("prometheus.io/port").asText())
                .isEqualTo(String.valueOf(r.effectiveInt("MANAGEMENT_PORT")));
    }

    // ------------------------------------------------------------------------------- settings

    /**
     * Every variable the manifests hand the gateway must be one the app reads; a typo or a
     * setting the app dropped would otherwise be silently ignored. All unknown names are listed
     * in one message.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void everyEnvironmentVariableIsOneTheAppReads(String overlay) {
        Rendered r = render(overlay);
        Set<String> known = AppSettings.envNames();
        Map<String, String> given = r.gatewayEnvSources();
        Set<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            StringBuilder msg = new StringBuilder()
                    .append("overlay '").append(overlay).append("' sets ").append(unknown.size())
                    .append(" environment variable(s) the app does not read (no {{env:NAME}} in ")
                    .append("src/main/resources/application*.properties, no ${env:NAME} in log4j2.xml):\n");
            unknown.forEach(n -> msg.append("  - ").append(n).append("  (from ").append(given.get(n)).append(")\n"));
            msg.append("names the app reads: ").append(known);
            fail(msg.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void secretsAreOnlyReferencedNeverWritten(String overlay) {
        Rendered r = render(overlay);
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : r.docs) {
            if (doc.path("kind").asText().equals("Secret")
                    && (doc.path("data").size() > 0 || doc.path("stringData").size() > 0)) {
                problems.add("Secret " + name(doc) + " carries data in the manifests");
            }
            if (doc.path("kind").asText().equals("ConfigMap")) {
                doc.path("data").fieldNames().forEachRemaining(key -> {
                    if (SECRETISH.matcher(key).matches()) {
                        problems.add("ConfigMap " + name(doc) + " has secret-like key " + key);
                    }
                });
            }
        }
        for (JsonNode deployment : r.all("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                for (JsonNode env : container.path("env")) {
                    String name = env.path("name").asText();
                    if (SECRETISH.matcher(name).matches()
                            && (env.has("value") || !env.path("valueFrom").has("secretKeyRef"))) {
                        problems.add(name(deployment) + "/" + container.path("name").asText() + " sets " + name
                                + " other than through secretKeyRef");
                    }
                }
            }
        }
        Matcher accountId = ACCOUNT_ID.matcher(r.text);
        if (accountId.find()) {
            problems.add("a 12-digit number (AWS account id?) in the manifests: " + accountId.group());
        }
        assertThat(problems).isEmpty();
    }

    // ------------------------------------------------------------------------------- operations

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void everyContainerHasRequestsAndLimits(String overlay) {
        Rendered r = render(overlay);
        for (JsonNode deployment : r.all("Deployment")) {
            for (JsonNode container : containers(deployment)) {
                JsonNode resources = container.path("resources");
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertThat(resources.path(kind).path(resource).asText())
                                .as("%s/%s resources.%s.%s", name(deployment), container.path("name").asText(), kind, resource)
                                .isNotBlank();
                    }
                }
            }
        }
    }

    /** The namespace enforces the "restricted" Pod Security Standard; the gateway goes further. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void securityContextIsRestricted(String overlay) {
        Rendered r = render(overlay);
        for (JsonNode deployment : r.all("Deployment")) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (JsonNode container : containers(deployment)) {
                String where = name(deployment) + "/" + container.path("name").asText();
                JsonNode sc = container.path("securityContext");
                JsonNode podSc = pod.path("securityContext");
                assertThat(sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false)))
                        .as(where + " runAsNonRoot").isTrue();
                assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean())
                        .as(where + " allowPrivilegeEscalation: false").isTrue();
                assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false)).as(where + " readOnlyRootFilesystem").isTrue();
                assertThat(sc.path("privileged").asBoolean(false)).as(where + " privileged").isFalse();
                assertThat(texts(sc.path("capabilities").path("drop"))).as(where + " capabilities.drop").contains("ALL");
                assertThat(texts(sc.path("capabilities").path("add"))).as(where + " capabilities.add").isEmpty();
                String seccomp = sc.path("seccompProfile").path("type").asText(podSc.path("seccompProfile").path("type").asText());
                assertThat(seccomp).as(where + " seccompProfile").isIn("RuntimeDefault", "Localhost");
            }
        }
        // the gateway's one writable path, /tmp, is an emptyDir
        JsonNode gateway = r.gatewayDeployment();
        JsonNode tmpMount = find(r.gatewayContainer().path("volumeMounts"), m -> m.path("mountPath").asText().equals("/tmp"))
                .orElseThrow(() -> new AssertionError("no /tmp mount on the gateway container"));
        JsonNode tmpVolume = find(gateway.path("spec").path("template").path("spec").path("volumes"),
                v -> v.path("name").asText().equals(tmpMount.path("name").asText()))
                .orElseThrow(() -> new AssertionError("no volume " + tmpMount.path("name")));
        assertThat(tmpVolume.has("emptyDir")).as("/tmp is an emptyDir").isTrue();
    }

    /**
     * Kubernetes must not SIGKILL the pod while Camel is still shutting down gracefully: the grace
     * period covers the preStop sleep plus Camel's shutdown timeout.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void terminationGraceCoversPreStopAndCamelShutdown(String overlay) {
        Rendered r = render(overlay);
        JsonNode pod = r.gatewayDeployment().path("spec").path("template").path("spec");
        int shutdownTimeout = r.effectiveInt("SHUTDOWN_TIMEOUT_SECONDS");
        int preStopSleep = 0;
        JsonNode command = r.gatewayContainer().path("lifecycle").path("preStop").path("exec").path("command");
        List<String> words = texts(command);
        if (words.size() == 2 && words.get(0).endsWith("sleep")) {
            preStopSleep = Integer.parseInt(words.get(1));
        }
        int sleepAction = r.gatewayContainer().path("lifecycle").path("preStop").path("sleep").path("seconds").asInt(0);
        preStopSleep = Math.max(preStopSleep, sleepAction);
        assertThat(preStopSleep).as("preStop sleep so endpoints drop before SIGTERM").isGreaterThan(0);

        assertThat(pod.path("terminationGracePeriodSeconds").asInt(30))
                .as("terminationGracePeriodSeconds vs preStop %ds + SHUTDOWN_TIMEOUT_SECONDS %ds", preStopSleep, shutdownTimeout)
                .isGreaterThan(shutdownTimeout + preStopSleep);
    }

    // ------------------------------------------------------------------------------- per overlay

    @Test
    void prodRunsTheProdProfileUnderItsIamRoleAndScalesWithKeda() {
        Rendered r = render("prod");
        assertThat(r.effective("CAMEL_MAIN_PROFILE")).contains("prod");
        assertThat(r.effective("SQS_ENDPOINT").orElse("")).as("prod talks to AWS SQS").isEmpty();

        JsonNode sa = r.one("ServiceAccount", GATEWAY);
        assertThat(sa.path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText())
                .startsWith("arn:aws:iam::").endsWith(":role/ai-webhook-gateway");
        assertThat(r.gatewayDeployment().path("spec").path("template").path("spec").path("serviceAccountName").asText())
                .isEqualTo(GATEWAY);

        JsonNode scaled = r.one("ScaledObject", GATEWAY);
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(GATEWAY);
        assertThat(scaled.path("spec").path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(scaled.path("spec").path("maxReplicaCount").asInt())
                .isGreaterThan(scaled.path("spec").path("minReplicaCount").asInt());
        JsonNode trigger = find(scaled.path("spec").path("triggers"), t -> t.path("type").asText().equals("aws-sqs-queue"))
                .orElseThrow(() -> new AssertionError("no aws-sqs-queue trigger"));
        assertThat(trigger.path("metadata").path("queueURL").asText())
                .as("KEDA watches the queue the app consumes")
                .endsWith(r.effective("REQUESTS_QUEUE").orElseThrow());
        assertThat(trigger.path("metadata").path("awsRegion").asText()).isEqualTo(r.effective("AWS_REGION").orElseThrow());
        assertThat(Integer.parseInt(trigger.path("metadata").path("queueLength").asText())).isPositive();
        String auth = trigger.path("authenticationRef").path("name").asText();
        assertThat(r.all("TriggerAuthentication")).extracting(KustomizeManifestsTest::name).contains(auth);
        assertThat(r.gatewayDeployment().path("spec").has("replicas"))
                .as("no replicas in the Deployment: KEDA owns the count").isFalse();
        assertThat(r.all("PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void localRunsTheLocalProfileAgainstInClusterElasticMqWithoutKeda() {
        Rendered r = render("local");
        assertThat(r.effective("CAMEL_MAIN_PROFILE")).contains("local");
        assertThat(r.all("ScaledObject")).isEmpty();
        assertThat(r.all("TriggerAuthentication")).isEmpty();
        assertThat(r.gatewayDeployment().path("spec").path("replicas").asInt()).isEqualTo(1);

        String endpoint = r.effective("SQS_ENDPOINT").orElseThrow(() -> new AssertionError("SQS_ENDPOINT not set"));
        Matcher m = Pattern.compile("http://([a-z0-9-]+):(\\d+)").matcher(endpoint);
        assertThat(m.matches()).as("SQS_ENDPOINT %s", endpoint).isTrue();
        JsonNode service = r.one("Service", m.group(1));
        assertThat(service.path("spec").path("ports")).extracting(p -> p.path("port").asInt())
                .contains(Integer.parseInt(m.group(2)));
        JsonNode elasticmq = r.all("Deployment").stream()
                .filter(d -> containers(d).stream().anyMatch(c -> c.path("image").asText().startsWith("softwaremill/elasticmq-native")))
                .findFirst().orElseThrow(() -> new AssertionError("no ElasticMQ Deployment"));
        JsonNode podLabels = elasticmq.path("spec").path("template").path("metadata").path("labels");
        service.path("spec").path("selector").fields().forEachRemaining(selector ->
                assertThat(podLabels.path(selector.getKey()).asText())
                        .as("Service %s selects the ElasticMQ pods (%s)", name(service), selector.getKey())
                        .isEqualTo(selector.getValue().asText()));
    }

    /**
     * {@code GATEWAY_REPLICAS} shares a webhook's {@code max_per_second} between the replicas (each allows its share):
     * it must be the most replicas that can run, the Deployment's {@code replicas} where it has one (local), KEDA's
     * {@code maxReplicaCount} where KEDA owns the count (prod), so that the sum never passes the limit.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prod", "local"})
    void gatewayReplicasIsTheMostReplicasThatRun(String overlay) {
        Rendered r = render(overlay);
        JsonNode spec = r.gatewayDeployment().path("spec");
        List<JsonNode> scaledObjects = r.all("ScaledObject").stream()
                .filter(s -> s.path("spec").path("scaleTargetRef").path("name").asText().equals(GATEWAY)).toList();
        int most;
        if (scaledObjects.isEmpty()) {
            assertThat(spec.has("replicas")).as("without KEDA the Deployment sets its replicas").isTrue();
            most = spec.path("replicas").asInt();
        } else {
            assertThat(spec.has("replicas")).as("KEDA owns the count: no replicas in the Deployment").isFalse();
            most = scaledObjects.get(0).path("spec").path("maxReplicaCount").asInt();
        }
        assertThat(r.effectiveInt("GATEWAY_REPLICAS"))
                .as("GATEWAY_REPLICAS in overlay '%s' vs the most replicas that run", overlay).isEqualTo(most);
    }

    // =============================================================================== rendering

    private static Rendered render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            Path dir = AppSettings.ROOT.resolve("k8s/overlays").resolve(o);
            Result result = run(List.of("kubectl", "kustomize", dir.toString()));
            if (result.exitCode != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + result.output);
            }
            return new Rendered(result.output, parseAll(result.output));
        });
    }

    private static List<JsonNode> parseAll(String yaml) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError("rendered manifests are not YAML", e);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    /** One rendered overlay. */
    private static final class Rendered {
        final String text;
        final List<JsonNode> docs;

        Rendered(String text, List<JsonNode> docs) {
            this.text = text;
            this.docs = docs;
        }

        List<JsonNode> all(String kind) {
            return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        }

        JsonNode one(String kind, String name) {
            List<JsonNode> found = all(kind).stream().filter(d -> name(d).equals(name)).toList();
            assertThat(found).as("%s %s", kind, name).hasSize(1);
            return found.get(0);
        }

        JsonNode gatewayDeployment() {
            return one("Deployment", GATEWAY);
        }

        JsonNode gatewayContainer() {
            List<JsonNode> containers = containers(gatewayDeployment());
            assertThat(containers).as("gateway containers").hasSize(1);
            return containers.get(0);
        }

        /** Every variable the gateway container gets, mapped to where it comes from. */
        Map<String, String> gatewayEnvSources() {
            Map<String, String> names = new java.util.TreeMap<>();
            JsonNode container = gatewayContainer();
            for (JsonNode env : container.path("env")) {
                names.put(env.path("name").asText(), "env");
            }
            for (JsonNode from : container.path("envFrom")) {
                String prefix = from.path("prefix").asText("");
                if (from.has("configMapRef")) {
                    String cm = from.path("configMapRef").path("name").asText();
                    one("ConfigMap", cm).path("data").fieldNames()
                            .forEachRemaining(k -> names.putIfAbsent(prefix + k, "ConfigMap " + cm));
                }
                if (from.has("secretRef")) {
                    // its keys are not in the repository, so they cannot be checked here
                    names.putIfAbsent("<keys of Secret " + from.path("secretRef").path("name").asText() + ">", "envFrom secretRef");
                }
            }
            return names;
        }

        /** The value the gateway gets for NAME from its env or ConfigMaps, if the manifests set it. */
        Optional<String> effective(String name) {
            JsonNode container = gatewayContainer();
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals(name) && env.has("value")) {
                    return Optional.of(env.path("value").asText());
                }
            }
            for (JsonNode from : container.path("envFrom")) {
                if (from.has("configMapRef")) {
                    JsonNode data = one("ConfigMap", from.path("configMapRef").path("name").asText()).path("data");
                    if (data.has(name)) {
                        return Optional.of(data.path(name).asText());
                    }
                }
            }
            return Optional.empty();
        }

        /** The value the app runs with: the manifests' if they set one, else the app's default. */
        int effectiveInt(String name) {
            return Integer.parseInt(effective(name).orElseGet(() -> AppSettings.requiredDefault(name)));
        }

        int containerPortNumber(JsonNode container, JsonNode port) {
            if (port.isInt() || port.asText().matches("\\d+")) {
                return Integer.parseInt(port.asText());
            }
            return find(container.path("ports"), p -> p.path("name").asText().equals(port.asText()))
                    .map(p -> p.path("containerPort").asInt())
                    .orElseThrow(() -> new AssertionError("no container port named " + port.asText()));
        }
    }

    private static List<JsonNode> containers(JsonNode deployment) {
        List<JsonNode> list = new ArrayList<>();
        deployment.path("spec").path("template").path("spec").path("containers").forEach(list::add);
        deployment.path("spec").path("template").path("spec").path("initContainers").forEach(list::add);
        return list;
    }

    private static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Optional<JsonNode> find(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        return StreamSupport.stream(array.spliterator(), false).filter(test).findFirst();
    }
}
