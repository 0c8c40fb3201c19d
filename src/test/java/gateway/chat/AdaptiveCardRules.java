package gateway.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Adaptive Card 1.4 rules for what a Teams card of this gateway may hold, written from the Adaptive Card schema
 * (schemas/1.4.0/adaptive-card.json of the AdaptiveCards GitHub project: no npm package here ships the versioned
 * schemas, see {@link AdaptiveCardSchema} for the one that is): the message envelope Teams takes; the card's required {@code type} and {@code version};
 * TextBlock ({@code text} required; {@code wrap}, {@code separator}, {@code isSubtle} booleans; {@code weight},
 * {@code size}, {@code color}, {@code fontType}, {@code spacing} from their enums, case-insensitive as the schema's
 * patterns are); FactSet ({@code facts} required, each with string {@code title} and {@code value}); no other field nor
 * element. And this gateway's own: every text is non-empty, and no {@code <at>} (a mention) survives.
 */
public final class AdaptiveCardRules {

    private static final Map<String, Set<String>> ENUMS = Map.of(
            "weight", Set.of("default", "lighter", "bolder"),
            "size", Set.of("default", "small", "medium", "large", "extralarge"),
            "color", Set.of("default", "dark", "light", "accent", "good", "warning", "attention"),
            "fontType", Set.of("default", "monospace"),
            "spacing", Set.of("default", "none", "small", "medium", "large", "extralarge", "padding"));
    private static final Set<String> TEXT_BLOCK = Set.of("type", "text", "wrap", "separator", "isSubtle", "weight", "size",
            "color", "fontType", "spacing", "maxLines", "horizontalAlignment", "id", "isVisible");
    private static final Set<String> FACT_SET = Set.of("type", "facts", "separator", "spacing", "id", "isVisible");

    private AdaptiveCardRules() {
    }

    public static List<String> violations(JsonNode message) {
        List<String> out = new ArrayList<>();
        if (!"message".equals(message.path("type").asText())) {
            out.add("message: type must be 'message'");
        }
        JsonNode attachments = message.path("attachments");
        if (!attachments.isArray() || attachments.size() != 1) {
            out.add("message: exactly one attachment expected");
            return out;
        }
        JsonNode attachment = attachments.get(0);
        if (!"application/vnd.microsoft.card.adaptive".equals(attachment.path("contentType").asText())) {
            out.add("attachment: wrong contentType");
        }
        card(attachment.path("content"), out);
        return out;
    }

    static void card(JsonNode card, List<String> out) {
        only("card", card, Set.of("$schema", "type", "version", "fallbackText", "msteams", "body", "speak", "lang"), out);
        if (!"AdaptiveCard".equals(card.path("type").asText())) {
            out.add("card: type must be AdaptiveCard");
        }
        if (!card.path("version").asText().matches("1\\.[0-5]")) {
            out.add("card: version must be 1.0 to 1.5");
        }
        JsonNode body = card.path("body");
        if (!body.isArray() || body.isEmpty()) {
            out.add("card: no body");
            return;
        }
        for (int i = 0; i < body.size(); i++) {
            String where = "body[" + i + "]";
            JsonNode element = body.get(i);
            switch (element.path("type").asText()) {
                case "TextBlock" -> {
                    only(where, element, TEXT_BLOCK, out);
                    if (!element.path("text").isTextual() || element.path("text").asText().isBlank()) {
                        out.add(where + ": TextBlock without text");
                    }
                    if (!element.path("wrap").asBoolean(false)) {
                        out.add(where + ": TextBlock must wrap");
                    }
                    inert(where, element.path("text").asText(), out);
                }
                case "FactSet" -> {
                    only(where, element, FACT_SET, out);
                    JsonNode facts = element.path("facts");
                    if (!facts.isArray() || facts.isEmpty()) {
                        out.add(where + ": FactSet without facts");
                    }
                    for (JsonNode fact : facts) {
                        only(where + ".fact", fact, Set.of("title", "value"), out);
                        if (!fact.path("title").isTextual() || !fact.path("value").isTextual()) {
                            out.add(where + ": a fact needs a string title and value");
                        }
                        inert(where, fact.path("value").asText(), out);
                    }
                }
                default -> out.add(where + ": element type '" + element.path("type").asText() + "' not expected");
            }
            for (Map.Entry<String, Set<String>> e : ENUMS.entrySet()) {
                if (element.has(e.getKey()) && !e.getValue().contains(element.get(e.getKey()).asText().toLowerCase(Locale.ROOT))) {
                    out.add(where + ": " + e.getKey() + " '" + element.get(e.getKey()).asText() + "' not allowed");
                }
            }
            for (String flag : List.of("wrap", "separator", "isSubtle")) {
                if (element.has(flag) && !element.get(flag).isBoolean()) {
                    out.add(where + ": " + flag + " must be a boolean");
                }
            }
        }
    }

    private static void inert(String where, String text, List<String> out) {
        if (text.toLowerCase(Locale.ROOT).contains("<at")) {
            out.add(where + ": an <at> mention survived");
        }
    }

    private static void only(String where, JsonNode node, Set<String> allowed, List<String> out) {
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                out.add(where + ": unknown field " + key);
            }
        }
    }
}
