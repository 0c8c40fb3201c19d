package gateway.callers;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsDestination;
import gateway.security.ApiKeys;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code CALLERS_FILE}:
 * <pre>
 * callers:
 *   - name: crm
 *     api_keys: ["...", "..."]                 # two during a rotation
 *     signing_secrets: ["whsec_..."]           # every listed secret signs
 *     webhooks:
 *       - name: answers                        # optional: webhook-1, webhook-2 ... by position
 *         url: https://crm.example.com/hooks/answers
 *         events: [query.answered, query.failed]  # optional: every event type
 *         headers: {Authorization: "Bearer ..."}   # optional
 *         signing_secrets: ["whsec_..."]           # optional, instead of the caller's
 *       - name: team-channel
 *         type: slack                          # webhook (default), slack, teams, sqs, sns, eventbridge
 *         url: https://hooks.slack.com/services/T000/B000/XXXX
 *       - name: ops-topic
 *         type: sns
 *         topic_arn: arn:aws:sns:eu-west-1:123456789012:answers
 *       - name: ops-bus
 *         type: eventbridge
 *         event_bus: answers                   # a name or an ARN
 *         source: crm.answers                  # optional, default ai-webhook-gateway
 *     callback_urls: ["https://*.crm.example.com/hooks/*"]
 * </pre>
 * An endpoint's {@code type} says which keys it has: {@code url} for webhook, slack, teams (https on the service's own
 * hosts unless {@code CHAT_ALLOW_ANY_HOST=true}) and sqs (a queue URL); {@code topic_arn} for sns; {@code event_bus} and
 * {@code source} for eventbridge. Chat endpoints have no {@code headers} nor {@code signing_secrets} (nothing of them
 * would reach the channel) and take no {@code query.started}/{@code query.progress}; AWS endpoints have no {@code headers}.
 * Every field is checked; the first problem is an {@link IllegalArgumentException} with one line that names the
 * caller and the field ({@code CALLERS_FILE: caller 'crm': webhooks[2].url: must be an absolute https URL}; list
 * positions count from 1, like the default endpoint names). A message never quotes a key, a secret, a header value or
 * a URL (it may carry a token), nor the file's text around a YAML error (only its line and column).
 */
public final class CallersFile {

    public static final String SETTING = "CALLERS_FILE";

    private static final Set<String> TOP_FIELDS = Set.of("callers");
    private static final List<String> CALLER_FIELDS = List.of("name", "api_keys", "signing_secrets", "webhooks", "callback_urls");
    private static final List<String> WEBHOOK_FIELDS = List.of("name", "type", "url", "topic_arn", "event_bus", "source",
            "events", "headers", "signing_secrets", "max_per_second");
    /** Slack's incoming-webhook hosts (commercial and GovSlack). */
    static final Set<String> SLACK_HOSTS = Set.of("hooks.slack.com", "hooks.slack-gov.com");
    /**
     * Teams' hosts, as suffixes: Power Automate / Logic Apps workflow URLs ({@code prod-NN.<region>.logic.azure.com},
     * {@code *.environment.api.powerplatform.com} and other {@code *.powerplatform.com}) and the legacy Office 365
     * connectors ({@code <tenant>.webhook.office.com}).
     */
    static final List<String> TEAMS_HOST_SUFFIXES = List.of(".logic.azure.com", ".powerplatform.com", ".webhook.office.com");
    /** An SQS queue URL's path: {@code /<account id>/<queue name>} (80 characters at most, {@code .fifo} for FIFO). */
    private static final Pattern SQS_PATH = Pattern.compile("/[0-9]{12}/[A-Za-z0-9_-]{1,75}(?:\\.fifo|[A-Za-z0-9_-]{0,5})");
    /** An SNS topic ARN: partition, region, account, name (256 at most; a FIFO topic's ends in {@code .fifo}). */
    private static final Pattern SNS_TOPIC_ARN = Pattern.compile(
            "arn:aws[a-z-]*:sns:[a-z0-9-]{1,32}:[0-9]{12}:[A-Za-z0-9_-]{1,251}(?:\\.fifo|[A-Za-z0-9_-]{0,5})");
    /** An EventBridge bus name (as CreateEventBus takes it: 1 to 256 letters, digits, . _ - /) or its ARN. */
    private static final Pattern EVENT_BUS = Pattern.compile(
            "(?:arn:aws[a-z-]*:events:[a-z0-9-]{1,32}:[0-9]{12}:event-bus/)?[/._A-Za-z0-9-]{1,256}");
    /** An EventBridge event's {@code source} (as PutEvents takes it: 1 to 256 letters, digits, . _ - /; not {@code aws.}…). */
    private static final Pattern EVENT_SOURCE = Pattern.compile("[/._A-Za-z0-9-]{1,256}");
    /** The {@code source} of an EventBridge endpoint's events when the file names none. */
    public static final String DEFAULT_EVENT_SOURCE = "ai-webhook-gateway";
    private static final Pattern WEBHOOK_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** The endpoint labels of the other kinds of targets (gateway.delivery.DeliveryTarget): not an endpoint's name. */
    private static final Set<String> RESERVED_WEBHOOK_NAMES = Set.of("callback", "default");
    /** The caller label of deliveries to WEBHOOK_URL in metrics: not a file caller's name. */
    private static final Set<String> RESERVED_CALLER_NAMES = Set.of("default");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the gateway sets itself (signature, framing, tracking): a file cannot replace them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "host", "transfer-encoding", "connection", "x-tracking-id", "x-webhook-source",
            // hop-by-hop and framing: the HTTP client's own (content-encoding would also make Camel compress the body)
            "content-encoding", "te", "trailer", "upgrade", "keep-alive", "expect", "proxy-connection");
    /**
     * Prefixes of header names that drive Camel rather than reach the receiver: a {@code CamelHttpUri} header, say,
     * would redirect the endpoint's deliveries (compared in lower case).
     */
    private static final List<String> INTERNAL_HEADER_PREFIXES = List.of("camel", "org.apache.camel");
    private static final Pattern SHOWABLE_FIELD = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final int MIN_SECRET_BYTES = 24;
    private static final int MAX_SECRET_BYTES = 64;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // a repeated field is an error, not "the last wins"
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // one document only
            .build();

    /**
     * What the file is checked against besides itself.
     *
     * @param httpAllowed   whether {@code http} URLs are allowed for webhooks and callback patterns
     *                      ({@code ALLOW_INSECURE_WEBHOOK_URL=true}, or a dev profile); otherwise only {@code https}
     * @param settingsKeys  the keys of {@code GATEWAY_API_KEYS}: their names and keys are taken
     * @param inboundCaller the caller name of inbound signatures ({@code INBOUND_SIGNING_CALLER}), {@code null} when
     *                      they are off
     * @param chatAnyHost   whether Slack and Teams endpoints may have any URL a webhook may have
     *                      ({@code CHAT_ALLOW_ANY_HOST=true}: a local receiver, a test); otherwise only {@code https} on
     *                      the service's own hosts
     */
    public record Rules(boolean httpAllowed, ApiKeys settingsKeys, String inboundCaller, boolean chatAnyHost) {
        public Rules {
            settingsKeys = settingsKeys == null ? ApiKeys.none() : settingsKeys;
            inboundCaller = inboundCaller == null || inboundCaller.isBlank() ? null : inboundCaller.strip();
        }

        /** Chat endpoints on the services' own hosts only. */
        public Rules(boolean httpAllowed, ApiKeys settingsKeys, String inboundCaller) {
            this(httpAllowed, settingsKeys, inboundCaller, false);
        }
    }

    private CallersFile() {
    }

    /** The callers of the file, in its order; {@link IllegalArgumentException} with one line for the first problem. */
    public static List<Caller> parse(String yaml, Rules rules) {
        JsonNode root = readTree(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw problem("callers: missing (the file is empty)");
        }
        if (!root.isObject()) {
            throw problem("must be a map with a 'callers' list");
        }
        String unknown = unknownField(root, TOP_FIELDS);
        if (unknown != null) {
            throw problem(unknown + " (known: callers)");
        }
        JsonNode list = root.get("callers");
        if (list == null) {
            throw problem("callers: missing");
        }
        if (!list.isArray()) {
            throw problem("callers: must be a list of callers");
        }
        Map<String, String> keyOwners = new HashMap<>(); // hash (hex) -> where the key is
        Set<String> names = new LinkedHashSet<>();
        List<Caller> callers = new ArrayList<>();
        int position = 0;
        for (JsonNode node : list) {
            position++;
            Caller caller = new CallerReader(rules, "caller #" + position, keyOwners, names).read(node);
            names.add(caller.name());
            callers.add(caller);
        }
        return List.copyOf(callers);
    }

    private static JsonNode readTree(String yaml) {
        String text = yaml == null ? "" : yaml;
        try {
            checkStructure(text);
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the file around the error (which may be a key): only the place is shown
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a field appears twice in one map" : "not valid YAML";
            throw problem(what + place(e));
        } catch (IOException e) {
            throw problem("not valid YAML");
        }
    }

    /**
     * Refuses what the tree would silently get wrong: an alias ({@code *name}, which Jackson reads as the plain text
     * {@code name}, not as the anchored value) and a second document (which it would ignore).
     */
    private static void checkStructure(String text) throws IOException {
        try (JsonParser parser = YAML.createParser(text)) {
            int depth = 0;
            int documents = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw problem("YAML aliases (*name) are not supported" + place(parser.currentTokenLocation()));
                }
                if (depth == 0 && !token.isStructEnd() && ++documents > 1) {
                    throw problem("more than one YAML document" + place(parser.currentTokenLocation()));
                }
                depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            }
        }
    }

    /** " at line L, column C" of a YAML error: SnakeYAML's mark of the problem, else Jackson's location. */
    private static String place(JsonProcessingException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                return " at line " + (marked.getProblemMark().getLine() + 1) + ", column " + (marked.getProblemMark().getColumn() + 1);
            }
        }
        return place(e.getLocation());
    }

    private static String place(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static IllegalArgumentException problem(String text) {
        return new IllegalArgumentException(SETTING + ": " + text);
    }

    /** "unknown field 'x'" for the first field not in {@code known}, else null; odd-looking names are not quoted. */
    private static String unknownField(JsonNode map, Iterable<String> known) {
        Set<String> knownSet = new LinkedHashSet<>();
        known.forEach(knownSet::add);
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!knownSet.contains(field)) {
                return SHOWABLE_FIELD.matcher(field).matches() ? "unknown field '" + field + "'" : "an unknown field";
            }
        }
        return null;
    }

    /** Reads one caller; {@code where} names it in messages ("caller #3", then "caller 'crm'" once its name is known). */
    private static final class CallerReader {

        private final Rules rules;
        private final Map<String, String> keyOwners;
        private final Set<String> takenNames;
        private String where;

        CallerReader(Rules rules, String where, Map<String, String> keyOwners, Set<String> takenNames) {
            this.rules = rules;
            this.where = where;
            this.keyOwners = keyOwners;
            this.takenNames = takenNames;
        }

        Caller read(JsonNode node) {
            if (node == null || !node.isObject()) {
                throw fail("must be a map of " + String.join(", ", CALLER_FIELDS));
            }
            String name = name(node.get("name"));
            where = "caller '" + name + "'";
            String unknown = unknownField(node, CALLER_FIELDS);
            if (unknown != null) {
                throw fail(unknown + " (known: " + String.join(", ", CALLER_FIELDS) + ")");
            }
            List<byte[]> keyHashes = apiKeys(name, node.get("api_keys"));
            JsonNode secretsNode = node.get("signing_secrets");
            if (secretsNode == null) {
                throw fail("signing_secrets: missing");
            }
            List<String> secrets = secrets("signing_secrets", secretsNode);
            WebhookSigner signer = new WebhookSigner(String.join(" ", secrets));
            List<CallerWebhook> webhooks = webhooks(node.get("webhooks"), signer);
            List<CallbackPattern> callbackUrls = callbackUrls(node.get("callback_urls"));
            if (webhooks.isEmpty() && callbackUrls.isEmpty()) {
                throw fail("webhooks: none and no callback_urls: its answers would go nowhere");
            }
            return new Caller(name, webhooks, callbackUrls, signer, secrets.size(), keyHashes);
        }

        private String name(JsonNode node) {
            if (node == null) {
                throw fail("name: missing");
            }
            if (!node.isTextual() || !ApiKeys.isValidName(node.textValue())) {
                throw fail("name: must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            String name = node.textValue();
            if (takenNames.contains(name)) {
                throw fail("name: '" + name + "' is already the name of another caller in the file");
            }
            if (rules.settingsKeys().names().contains(name)) {
                throw fail("name: '" + name + "' is already a caller of GATEWAY_API_KEYS");
            }
            if (name.equals(rules.inboundCaller())) {
                throw fail("name: '" + name + "' is the caller of inbound signatures (INBOUND_SIGNING_CALLER)");
            }
            if (RESERVED_CALLER_NAMES.contains(name)) {
                throw fail("name: '" + name + "' is reserved (the label of deliveries to WEBHOOK_URL)");
            }
            return name;
        }

        private List<byte[]> apiKeys(String caller, JsonNode node) {
            if (node == null) {
                throw fail("api_keys: missing");
            }
            if (!node.isArray() || node.isEmpty()) {
                throw fail("api_keys: must be a non-empty list of keys");
            }
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String field = "api_keys[" + (i + 1) + "]";
                String key = string(field, node.get(i));
                if (!ApiKeys.isValidKey(key)) {
                    throw fail(field + ": must be at least " + ApiKeys.MIN_KEY_CHARS
                            + " characters with no spaces or control characters");
                }
                byte[] hash = ApiKeys.sha256(key);
                if (rules.settingsKeys().callerFor(key).isPresent()) {
                    throw fail(field + ": repeats a key of caller '" + rules.settingsKeys().callerFor(key).get()
                            + "' in GATEWAY_API_KEYS");
                }
                String owner = keyOwners.putIfAbsent(HexFormat.of().formatHex(hash), "caller '" + caller + "' " + field);
                if (owner != null) {
                    throw fail(field + ": repeats the key of " + owner);
                }
                hashes.add(hash);
            }
            return hashes;
        }

        /** The secrets of a {@code signing_secrets} list, each checked (the values are never in a message). */
        private List<String> secrets(String field, JsonNode node) {
            if (!node.isArray() || node.isEmpty()) {
                throw fail(field + ": must be a non-empty list of secrets (whsec_<base64>)");
            }
            List<String> secrets = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String item = field + "[" + (i + 1) + "]";
                String secret = string(item, node.get(i));
                String encoded = secret.startsWith(WebhookSigner.SECRET_PREFIX)
                        ? secret.substring(WebhookSigner.SECRET_PREFIX.length()) : secret;
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(encoded);
                } catch (IllegalArgumentException e) {
                    throw fail(item + ": must be whsec_<base64> (or the bare base64)");
                }
                if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
                    throw fail(item + ": decodes to " + key.length + " bytes; a secret must have " + MIN_SECRET_BYTES
                            + " to " + MAX_SECRET_BYTES + " (Standard Webhooks)");
                }
                secrets.add(secret);
            }
            return secrets;
        }

        private List<CallerWebhook> webhooks(JsonNode node, WebhookSigner callerSigner) {
            if (node == null) {
                return List.of();
            }
            if (!node.isArray()) {
                throw fail("webhooks: must be a list of endpoints");
            }
            List<CallerWebhook> webhooks = new ArrayList<>();
            Map<String, String> names = new HashMap<>(); // name -> webhooks[i]
            for (int i = 0; i < node.size(); i++) {
                String field = "webhooks[" + (i + 1) + "]";
                CallerWebhook webhook = webhook(field, i + 1, node.get(i), callerSigner);
                String before = names.putIfAbsent(webhook.name(), field);
                if (before != null) {
                    throw fail(field + ".name: '" + webhook.name() + "' is already the name of " + before
                            + (node.get(i).has("name") ? "" : " (give this one a name)"));
                }
                webhooks.add(webhook);
            }
            return webhooks;
        }

        private CallerWebhook webhook(String field, int position, JsonNode node, WebhookSigner callerSigner) {
            if (node == null || !node.isObject()) {
                throw fail(field + ": must be a map of " + String.join(", ", WEBHOOK_FIELDS));
            }
            String unknown = unknownField(node, WEBHOOK_FIELDS);
            if (unknown != null) {
                throw fail(field + ": " + unknown + " (known: " + String.join(", ", WEBHOOK_FIELDS) + ")");
            }
            String name = "webhook-" + position;
            if (node.has("name")) {
                name = string(field + ".name", node.get("name"));
                if (!WEBHOOK_NAME.matcher(name).matches()) {
                    throw fail(field + ".name: must be 1-32 lower-case letters, digits, '_' or '-', starting with a letter or digit");
                }
                if (RESERVED_WEBHOOK_NAMES.contains(name)) {
                    throw fail(field + ".name: '" + name + "' is reserved (the label of other delivery targets)");
                }
            }
            EndpointType type = type(field + ".type", node.get("type"));
            onlyFor(field, node, "topic_arn", type, EndpointType.SNS);
            onlyFor(field, node, "event_bus", type, EndpointType.EVENTBRIDGE);
            onlyFor(field, node, "source", type, EndpointType.EVENTBRIDGE);
            URI url = null;
            String destination = null;
            String eventSource = null;
            switch (type) {
                case WEBHOOK -> url = url(field + ".url", node.get("url"));
                case SLACK, TEAMS -> url = chatUrl(field + ".url", node.get("url"), type);
                case SQS -> {
                    url = sqsUrl(field + ".url", node.get("url"));
                    destination = url.toString();
                }
                case SNS -> {
                    notFor(field, node, "url", type, "topic_arn");
                    destination = matching(field + ".topic_arn", node.get("topic_arn"), SNS_TOPIC_ARN,
                            "must be an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic name>)");
                }
                case EVENTBRIDGE -> {
                    notFor(field, node, "url", type, "event_bus");
                    destination = matching(field + ".event_bus", node.get("event_bus"), EVENT_BUS,
                            "must be an event bus name (1-256 letters, digits, '.', '_', '-', '/') or its ARN"
                                    + " (arn:aws:events:<region>:<account>:event-bus/<name>)");
                    eventSource = node.has("source") ? source(field + ".source", node.get("source")) : DEFAULT_EVENT_SOURCE;
                }
            }
            if (type.aws()) {
                // what the delivery would refuse at send time (a region that is not one, a queue URL it cannot use) is
                // refused here, at load: the endpoint never exists rather than pausing on its first answer
                Optional<String> problem = AwsDestination.problem(type, destination);
                if (problem.isPresent()) {
                    String key = switch (type) {
                        case SNS -> "topic_arn";
                        case EVENTBRIDGE -> "event_bus";
                        default -> "url";
                    };
                    throw fail(field + "." + key + ": " + problem.get());
                }
            }
            Set<String> events = events(field + ".events", node.get("events"), type);
            if (type != EndpointType.WEBHOOK && node.has("headers")) {
                throw fail(field + ".headers: not for a " + type.wireName() + " endpoint ("
                        + (type.chat() ? "Slack and Teams do not read extra headers; the URL is the endpoint's credential"
                                : "an AWS destination takes no HTTP headers; the gateway's own AWS identity sends to it") + ")");
            }
            Map<String, String> headers = headers(field + ".headers", node.get("headers"));
            if (type.chat() && node.has("signing_secrets")) {
                throw fail(field + ".signing_secrets: not for a " + type.wireName()
                        + " endpoint (chat messages are not signed: the service does not verify signatures)");
            }
            WebhookSigner signer = callerSigner;
            int ownSecrets = 0;
            if (node.has("signing_secrets")) {
                List<String> secrets = secrets(field + ".signing_secrets", node.get("signing_secrets"));
                signer = new WebhookSigner(String.join(" ", secrets));
                ownSecrets = secrets.size();
            }
            Integer maxPerSecond = maxPerSecond(field + ".max_per_second", node.get("max_per_second"));
            return new CallerWebhook(name, type, url, destination, eventSource, events, headers, signer, ownSecrets, maxPerSecond);
        }

        private EndpointType type(String field, JsonNode node) {
            if (node == null) {
                return EndpointType.WEBHOOK;
            }
            String text = string(field, node);
            return EndpointType.of(text).orElseThrow(() -> fail(field + ": "
                    + (SHOWABLE_FIELD.matcher(text).matches() ? "'" + text + "' " : "") + "is not an endpoint type ("
                    + EndpointType.names() + ")"));
        }

        /** Refuses {@code key} on an endpoint that is not of {@code owner}'s type. */
        private void onlyFor(String field, JsonNode node, String key, EndpointType type, EndpointType owner) {
            if (type != owner && node.has(key)) {
                throw fail(field + "." + key + ": only for type " + owner.wireName() + " (this endpoint is "
                        + type.wireName() + ")");
            }
        }

        /** Refuses a {@code url} on an AWS endpoint that names its destination by {@code instead}. */
        private void notFor(String field, JsonNode node, String key, EndpointType type, String instead) {
            if (node.has(key)) {
                throw fail(field + "." + key + ": not for a " + type.wireName() + " endpoint (it is named by " + instead + ")");
            }
        }

        private String matching(String field, JsonNode node, Pattern pattern, String rule) {
            String text = string(field, node).strip();
            if (!pattern.matcher(text).matches()) {
                throw fail(field + ": " + rule);
            }
            return text;
        }

        private String source(String field, JsonNode node) {
            String text = matching(field, node, EVENT_SOURCE, "must be 1-256 letters, digits, '.', '_', '-' or '/'");
            if (text.toLowerCase(Locale.ROOT).startsWith("aws.")) {
                throw fail(field + ": must not start with 'aws.' (reserved for AWS services' own events)");
            }
            return text;
        }

        /**
         * A Slack or Teams URL: as a webhook's (the same checks), and, unless {@code CHAT_ALLOW_ANY_HOST=true}, {@code https}
         * on the service's own hosts. The message never quotes the URL (all of it is a credential).
         */
        private URI chatUrl(String field, JsonNode node, EndpointType type) {
            URI url = url(field, node);
            if (rules.chatAnyHost()) {
                return url;
            }
            String host = url.getHost().toLowerCase(Locale.ROOT);
            boolean ownHost = type == EndpointType.SLACK ? SLACK_HOSTS.contains(host)
                    : TEAMS_HOST_SUFFIXES.stream().anyMatch(host::endsWith);
            if (!"https".equalsIgnoreCase(url.getScheme()) || !ownHost || !(url.getPort() == -1 || url.getPort() == 443)) {
                throw fail(field + ": must be an https URL on " + (type == EndpointType.SLACK
                        ? String.join(" or ", SLACK_HOSTS.stream().sorted().toList()) + " (a Slack incoming webhook)"
                        : "a Teams workflow or connector host (*" + String.join(", *", TEAMS_HOST_SUFFIXES) + ")")
                        + "; CHAT_ALLOW_ANY_HOST=true allows other hosts");
            }
            return url;
        }

        /** An SQS queue URL: as a webhook's URL, with the path {@code /<account id>/<queue name>} and no query. */
        private URI sqsUrl(String field, JsonNode node) {
            URI url = url(field, node);
            if (url.getRawQuery() != null || url.getRawPath() == null || !SQS_PATH.matcher(url.getRawPath()).matches()) {
                throw fail(field + ": must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<12-digit account>/<queue name>)");
            }
            return url;
        }

        /** Deliveries per second the endpoint takes at most (1 to 10,000); null when not set. */
        private Integer maxPerSecond(String field, JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1 || node.intValue() > 10_000) {
                throw fail(field + ": must be a whole number from 1 to 10000 (deliveries per second)");
            }
            return node.intValue();
        }

        private URI url(String field, JsonNode node) {
            if (node == null) {
                throw fail(field + ": missing");
            }
            String kind = rules.httpAllowed() ? "an absolute http or https URL" : "an absolute https URL";
            String text = string(field, node).strip();
            URI url;
            try {
                url = new URI(text);
            } catch (java.net.URISyntaxException e) {
                throw fail(field + ": must be " + kind);
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || url.isOpaque() || !(scheme.equals("https") || scheme.equals("http"))) {
                throw fail(field + ": must be " + kind);
            }
            if (scheme.equals("http") && !rules.httpAllowed()) {
                throw fail(field + ": must be " + kind + " (http needs ALLOW_INSECURE_WEBHOOK_URL=true)");
            }
            if (url.getRawUserInfo() != null) {
                throw fail(field + ": must have no user info (send credentials in headers)");
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw fail(field + ": must have a host name");
            }
            if (url.getRawFragment() != null) {
                throw fail(field + ": must have no fragment");
            }
            return url;
        }

        private Set<String> events(String field, JsonNode node, EndpointType type) {
            if (node == null) {
                return CallerWebhook.EVENT_TYPES;
            }
            if (!node.isArray() || node.isEmpty()) {
                throw fail(field + ": must be a non-empty list of " + eventTypes()
                        + " (leave it out for query.answered, query.failed and query.cancelled)");
            }
            Set<String> events = new LinkedHashSet<>();
            for (int i = 0; i < node.size(); i++) {
                String item = field + "[" + (i + 1) + "]";
                String event = string(item, node.get(i));
                if (!CallerWebhook.KNOWN_EVENT_TYPES.contains(event)) {
                    throw fail(item + ": " + (SHOWABLE_FIELD.matcher(event).matches() ? "'" + event + "' " : "")
                            + "is not an event type (" + eventTypes() + ")");
                }
                if (type.chat() && !CallerWebhook.CHAT_EVENT_TYPES.contains(event)) {
                    throw fail(item + ": '" + event + "' is not for a " + type.wireName() + " endpoint (a channel would get"
                            + " a message for each; it takes " + String.join(", ", CallerWebhook.CHAT_EVENT_TYPES.stream().sorted().toList()) + ")");
                }
                events.add(event);
            }
            return events;
        }

        private Map<String, String> headers(String field, JsonNode node) {
            if (node == null) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw fail(field + ": must be a map of header names to values");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            Map<String, String> lowerCase = new HashMap<>();
            int position = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                position++;
                String name = header.getKey();
                if (!HEADER_NAME.matcher(name).matches()) {
                    throw fail(field + " (entry #" + position + "): the name is not an HTTP header name");
                }
                String item = field + "." + name;
                String lower = name.toLowerCase(Locale.ROOT);
                if (RESERVED_HEADERS.contains(lower)) {
                    throw fail(item + ": is set by the gateway and cannot be configured");
                }
                if (INTERNAL_HEADER_PREFIXES.stream().anyMatch(lower::startsWith)) {
                    throw fail(item + ": is an internal (Camel) header name and cannot be configured");
                }
                String before = lowerCase.putIfAbsent(lower, name);
                if (before != null) {
                    throw fail(item + ": repeats " + field + "." + before + " (header names are case-insensitive)");
                }
                JsonNode value = header.getValue();
                if (value == null || !value.isTextual()) {
                    throw fail(item + ": the value must be a string (quote it)");
                }
                if (value.textValue().chars().anyMatch(c -> (c < ' ' && c != '\t') || c == 0x7F)) {
                    throw fail(item + ": the value must not contain CR, LF, NUL or other control characters");
                }
                headers.put(name, value.textValue());
            }
            return headers;
        }

        private List<CallbackPattern> callbackUrls(JsonNode node) {
            if (node == null) {
                return List.of();
            }
            if (!node.isArray()) {
                throw fail("callback_urls: must be a list of URL patterns");
            }
            List<CallbackPattern> patterns = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String item = "callback_urls[" + (i + 1) + "]";
                String pattern = string(item, node.get(i));
                try {
                    patterns.add(CallbackPattern.parse(pattern, rules.httpAllowed()));
                } catch (IllegalArgumentException e) {
                    throw fail(item + ": " + e.getMessage());
                }
            }
            return patterns;
        }

        private String string(String field, JsonNode node) {
            if (node == null || node.isNull()) {
                throw fail(field + ": missing");
            }
            if (!node.isTextual()) {
                throw fail(field + ": must be a string (quote it)");
            }
            return node.textValue();
        }

        private IllegalArgumentException fail(String text) {
            return problem(where + ": " + text);
        }

        private static String eventTypes() {
            return String.join(", ", CallerWebhook.KNOWN_EVENT_TYPES.stream().sorted().toList());
        }
    }
}
