package gateway.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import gateway.contract.OpenApiDocument;
import gateway.json.Json;

/**
 * One of the gateway's OpenAPI documents ({@code src/main/resources/openapi/}) as the tests hold the app to it: every
 * response a test receives ({@link #checkResponse}) and every webhook a test receiver gets ({@link #checkWebhook}) is
 * checked against it with networknt's JSON Schema validator (the document's own OpenAPI 3.1 dialect). What fails:
 * <ul>
 *   <li>a path the document does not have, unless answered with its 404 ({@code components/responses/UnknownPath});
 *       a method it does not list, unless answered with its 405 ({@code components/responses/MethodNotAllowed});</li>
 *   <li>a status the operation does not list (no ranges, no {@code default} for responses);</li>
 *   <li>a media type it does not list, a body where it lists none, a body its schema refuses (every object schema of
 *       the documents closes its properties: a field added without the document fails here);</li>
 *   <li>a required header missing, a header whose value its schema refuses, a header the answer sends that is neither
 *       documented nor one of HTTP's own ({@link #PLAIN_HEADERS}).</li>
 * </ul>
 * The webhooks are checked by their {@code type}: the entry of that name in {@code webhooks}, its body and its
 * required headers.
 */
public final class ApiContract {

    /** Headers of HTTP itself (and CORS): never listed per response. */
    static final Set<String> PLAIN_HEADERS = Set.of("content-type", "content-length", "date", "connection", "keep-alive",
            "transfer-encoding", "vary", "server", "access-control-allow-origin", "access-control-allow-credentials",
            "access-control-expose-headers", "cache-control");
    /** Methods OpenAPI can list on a path. */
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static volatile ApiContract gateway;
    private static volatile ApiContract admin;

    private final String name;
    private final String id;
    private final JsonNode document;
    private final SchemaRegistry registry;

    private ApiContract(String name) {
        this.name = name;
        this.id = "https://ai-webhook-gateway.invalid/openapi/" + name;
        this.document = read("openapi/" + name);
        String json = Json.write(document);
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(id, json)));
    }

    /** The public API and its webhooks ({@code gateway-api.yaml}). */
    public static ApiContract gateway() {
        if (gateway == null) {
            gateway = new ApiContract("gateway-api.yaml");
        }
        return gateway;
    }

    /** The management port's API ({@code admin-api.yaml}). */
    public static ApiContract admin() {
        if (admin == null) {
            admin = new ApiContract("admin-api.yaml");
        }
        return admin;
    }

    public JsonNode document() {
        return document;
    }

    /** The document's file name. */
    public String name() {
        return name;
    }

    /** How the coverage report names an answer. */
    static String answer(String method, String path, String status) {
        return method.toUpperCase(Locale.ROOT) + " " + path + " " + status;
    }

    /** How the coverage report names a webhook. */
    static String webhook(String type) {
        return "webhook " + type;
    }

    /** The document as the app serves it ({@link OpenApiDocument}: the YAML of the classpath, as JSON), as a tree. */
    public static JsonNode read(String resource) {
        try {
            return Json.MAPPER.readTree(OpenApiDocument.of(resource).json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(resource + " is not JSON once converted", e);
        }
    }

    /**
     * What is wrong with one answer of the app: an empty list when the document describes it.
     *
     * @param headers the answer's headers, names in any case, values joined
     */
    public List<String> checkResponse(String method, URI uri, int status, Map<String, List<String>> headers, String body) {
        List<String> problems = new ArrayList<>();
        String where = method + " " + uri.getPath() + " -> " + status + " (" + name + ")";
        String path = matchPath(uri.getPath());
        String pathPointer = path == null ? null : "/paths/" + escape(path);
        JsonNode operation = path == null ? null : document.at(pathPointer).get(method.toLowerCase(Locale.ROOT));
        String responsePointer;
        if (path == null) {
            if (status != 404) {
                problems.add(where + ": the document has no such path, and the answer is not its 404");
                return problems;
            }
            responsePointer = "/components/responses/UnknownPath";
        } else if (operation == null) {
            if (status != 405) {
                problems.add(where + ": the path lists no " + method + ", and the answer is not its 405");
                return problems;
            }
            responsePointer = "/components/responses/MethodNotAllowed";
        } else {
            JsonNode responses = operation.path("responses");
            if (!responses.has(Integer.toString(status))) {
                problems.add(where + ": status " + status + " is not documented (documented: " + names(responses) + ")");
                return problems;
            }
            responsePointer = pathPointer + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        }
        ContractCoverage.seen(name, path == null ? "(unknown path) 404" : operation == null ? answer(method, path, "405 (method not listed)")
                : answer(method, path, Integer.toString(status)));
        responsePointer = follow(responsePointer);
        checkHeaders(where, responsePointer + "/headers", headers, problems);
        checkBody(where, responsePointer + "/content", first(headers, "content-type"), body, problems);
        return problems;
    }

    /**
     * What is wrong with a request body the app accepted (answered 2xx): the operation's {@code requestBody} must take
     * it, so the document never refuses what the gateway accepts.
     */
    public List<String> checkAcceptedRequest(String method, URI uri, String contentType, String body) {
        List<String> problems = new ArrayList<>();
        String path = matchPath(uri.getPath());
        if (path == null || body == null || body.isEmpty()) {
            return problems;
        }
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/requestBody";
        if (document.at(pointer).isMissingNode()) {
            return problems;
        }
        checkBody(method + " " + uri.getPath() + " request (" + name + ")", follow(pointer) + "/content", contentType, body, problems);
        return problems;
    }

    /** {@link #checkResponse} for an answer read off a raw socket (the tests of slow and broken clients). */
    public List<String> checkRawResponse(String method, URI uri, String rawAnswer) {
        int headersEnd = rawAnswer.indexOf("\r\n\r\n");
        String head = headersEnd < 0 ? rawAnswer : rawAnswer.substring(0, headersEnd);
        String body = headersEnd < 0 ? "" : rawAnswer.substring(headersEnd + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
        }
        return checkResponse(method, uri, status, headers, body);
    }

    /** What is wrong with one webhook the gateway sent: its type's entry in {@code webhooks}, body and headers. */
    public List<String> checkWebhook(Map<String, String> headers, String body) {
        List<String> problems = new ArrayList<>();
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            problems.add("webhook: the body is not JSON");
            return problems;
        }
        String type = payload.path("type").asText("");
        String where = "webhook " + type + " (" + name + ")";
        String pointer = "/webhooks/" + escape(type) + "/post";
        if (document.at(pointer).isMissingNode()) {
            problems.add(where + ": the document has no webhook of that type");
            return problems;
        }
        ContractCoverage.seen(name, webhook(type));
        for (int i = 0; i < document.at(pointer + "/parameters").size(); i++) {
            String parameterPointer = follow(pointer + "/parameters/" + i);
            JsonNode p = document.at(parameterPointer);
            if (!"header".equals(p.path("in").asText())) {
                continue;
            }
            String value = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(p.path("name").asText()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            checkHeaderValue(where, p.path("name").asText(), p.path("required").asBoolean(), parameterPointer + "/schema", value, problems);
        }
        String contentType = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("content-type"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        checkBody(where, follow(pointer + "/requestBody") + "/content", contentType, body, problems);
        return problems;
    }

    /** The errors of a JSON value against the schema at a pointer of the document. */
    public List<String> validate(String schemaPointer, JsonNode value) {
        Schema schema = registry.getSchema(SchemaLocation.of(id + "#" + encodeFragment(schemaPointer)));
        List<String> errors = new ArrayList<>();
        for (Error error : schema.validate(value, context -> context.executionConfig(c -> c.formatAssertionsEnabled(true)))) {
            errors.add(error.toString());
        }
        return errors;
    }

    private void checkHeaders(String where, String headersPointer, Map<String, List<String>> actual, List<String> problems) {
        JsonNode documented = document.at(headersPointer);
        for (Iterator<String> names = documented.fieldNames(); names.hasNext();) {
            String header = names.next();
            String pointer = follow(headersPointer + "/" + escape(header));
            JsonNode h = document.at(pointer);
            checkHeaderValue(where, header, h.path("required").asBoolean(), pointer + "/schema", first(actual, header), problems);
        }
        for (String header : actual.keySet()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(":") && !PLAIN_HEADERS.contains(lower) && !hasField(documented, header)) {
                problems.add(where + ": header " + header + " is not documented for this answer");
            }
        }
    }

    private void checkHeaderValue(String where, String header, boolean required, String schemaPointer, String value,
            List<String> problems) {
        if (value == null) {
            if (required) {
                problems.add(where + ": required header " + header + " is missing");
            }
            return;
        }
        if (!document.at(schemaPointer).isMissingNode()) {
            validate(schemaPointer, TextNode.valueOf(value)).forEach(e -> problems.add(where + ": header " + header + ": " + e));
        }
    }

    private void checkBody(String where, String contentPointer, String contentType, String body, List<String> problems) {
        JsonNode content = document.at(contentPointer);
        boolean empty = body == null || body.isEmpty();
        if (content.isMissingNode() || content.isEmpty()) {
            if (!empty) {
                problems.add(where + ": a body where the document lists none: " + cut(body));
            }
            return;
        }
        String mediaType = contentType == null ? null : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType == null || !content.has(mediaType)) {
            problems.add(where + ": media type " + contentType + " is not documented (documented: " + names(content) + ")");
            return;
        }
        String schemaPointer = contentPointer + "/" + escape(mediaType) + "/schema";
        if (!mediaType.endsWith("json") || document.at(schemaPointer).isMissingNode()) {
            return;
        }
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(empty ? "" : body);
        } catch (JsonProcessingException e) {
            problems.add(where + ": the body is not JSON: " + cut(body));
            return;
        }
        if (value == null || value.isMissingNode()) {
            problems.add(where + ": an empty body where the document lists " + mediaType);
            return;
        }
        validate(schemaPointer, value).forEach(e -> problems.add(where + ": body: " + e + " in " + cut(body)));
    }

    /** The document's path template that matches a request path, or null. */
    String matchPath(String requestPath) {
        String exact = null;
        String templated = null;
        for (Iterator<String> paths = document.path("paths").fieldNames(); paths.hasNext();) {
            String template = paths.next();
            if (template.equals(requestPath)) {
                exact = template;
            } else if (Pattern.matches(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"), requestPath)) {
                templated = template;
            }
        }
        return exact != null ? exact : templated;
    }

    /** A pointer whose node is a {@code $ref} (to this document), followed to where it points, as often as it takes. */
    private String follow(String pointer) {
        for (int hops = 0; hops < 10; hops++) {
            JsonNode ref = document.at(pointer).get("$ref");
            if (ref == null) {
                return pointer;
            }
            pointer = ref.asText().substring(1);
        }
        throw new IllegalStateException("$ref chain too long at " + pointer);
    }

    private static boolean hasField(JsonNode node, String name) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            if (names.next().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String encodeFragment(String pointer) {
        return pointer.replace("%", "%25").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20");
    }

    private static String cut(String body) {
        return body == null ? "null" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
