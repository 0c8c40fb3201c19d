package gateway.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

/**
 * The Adaptive Card JSON schema that the npm package {@code adaptivecards-designer} (2.4.4, pinned in
 * src/test/browser's lock file, installed by {@code npm ci} in generate-test-resources) ships as
 * {@code lib/adaptive-card-schema.js}: a draft-06 schema of the card's first versions (AdaptiveCard, TextBlock, FactSet
 * and the rest; {@code additionalProperties} open, so later fields such as {@code fontType} pass unchecked), written as
 * a JavaScript module: its object literal is JSON, read from the module's text. The {@code adaptivecards} package
 * itself ships only TypeScript types ({@code lib/schema.d.ts}), no JSON schema. Validated with networknt's validator.
 *
 * <p>A card is checked as a whole, and each body element against its own definition (the schema's {@code body} is a
 * draft-06 tuple whose {@code items} check only the first element).
 */
final class AdaptiveCardSchema {

    static final Path MODULE = Path.of("src/test/browser/node_modules/adaptivecards-designer/lib/adaptive-card-schema.js");
    private static final String ID = "https://ai-webhook-gateway.invalid/adaptive-card.json";

    private final SchemaRegistry registry;

    private AdaptiveCardSchema(String json) {
        this.registry = SchemaRegistry.withDialect(Dialects.getDraft6(), builder -> builder.schemas(Map.of(ID, json)));
    }

    static boolean available() {
        return Files.isRegularFile(MODULE);
    }

    /** The schema read from the installed module. */
    static AdaptiveCardSchema load() throws IOException {
        String module = Files.readString(MODULE, StandardCharsets.UTF_8);
        String marker = "exports.adaptiveCardSchema = {";
        int start = module.indexOf(marker);
        int end = module.lastIndexOf("};");
        if (start < 0 || end < start) {
            throw new IllegalStateException(MODULE + " no longer holds the schema as an object literal");
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode schema = (ObjectNode) mapper.readTree(module.substring(start + marker.length() - 1, end + 1));
        schema.remove("id"); // draft-04's identifier keyword, a URL nothing here resolves; the registry names it
        return new AdaptiveCardSchema(mapper.writeValueAsString(schema));
    }

    /** The schema's complaints about a card (the attachment's {@code content}): the whole, then each body element. */
    List<String> violations(JsonNode card) {
        List<String> out = new ArrayList<>(validate("", card, "card"));
        JsonNode body = card.path("body");
        for (int i = 0; i < body.size(); i++) {
            String type = body.get(i).path("type").asText();
            out.addAll(validate("/definitions/" + type, body.get(i), "body[" + i + "] " + type));
        }
        return out;
    }

    private List<String> validate(String pointer, JsonNode value, String where) {
        Schema schema = registry.getSchema(SchemaLocation.of(ID + "#" + pointer));
        List<String> errors = new ArrayList<>();
        for (Error error : schema.validate(value, context -> context.executionConfig(c -> c.formatAssertionsEnabled(true)))) {
            errors.add(where + ": " + error);
        }
        return errors;
    }
}
