package gateway.intake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Bounds on a parsed request beyond its byte size: nesting depth ({@code MAX_JSON_DEPTH}; the top-level
 * object is depth 1), object members counted everywhere ({@code MAX_JSON_FIELDS}), and the length of the
 * query in characters ({@code MAX_QUERY_CHARS}). Runs after {@link WebhookRequestValidator}, so the query
 * is a string.
 */
public class JsonLimits {

    private final int maxDepth;
    private final int maxFields;
    private final int maxQueryChars;

    public JsonLimits(int maxDepth, int maxFields, int maxQueryChars) {
        if (maxDepth < 1 || maxFields < 1 || maxQueryChars < 1) {
            throw new IllegalArgumentException("MAX_JSON_DEPTH, MAX_JSON_FIELDS and MAX_QUERY_CHARS must be positive");
        }
        this.maxDepth = maxDepth;
        this.maxFields = maxFields;
        this.maxQueryChars = maxQueryChars;
    }

    /** Throws {@link IntakeRejection} (400 for structure, 413 for the query) when a limit is passed. */
    public void check(ObjectNode request) {
        checkStructure(request);
        String query = request.path("query").asText("");
        if (query.length() > maxQueryChars && query.codePointCount(0, query.length()) > maxQueryChars) {
            throw new IntakeRejection(413, "Query too long (limit " + maxQueryChars + " characters)");
        }
    }

    private void checkStructure(JsonNode root) {
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        int fields = 0;
        while (!nodes.isEmpty()) {
            JsonNode node = nodes.pop();
            int depth = depths.pop();
            if (depth > maxDepth) {
                throw IntakeRejection.badRequest("JSON nested too deeply (limit " + maxDepth + " levels)");
            }
            Iterator<JsonNode> children;
            if (node.isObject()) {
                fields += node.size();
                if (fields > maxFields) {
                    throw IntakeRejection.badRequest("Too many JSON fields (limit " + maxFields + ")");
                }
            }
            children = node.elements();
            while (children.hasNext()) {
                JsonNode child = children.next();
                if (child.isContainerNode()) { // scalars add no depth
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }
}
