package gateway.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Block Kit's rules for the parts a Slack message of this gateway may use, as Slack's reference states them (there is
 * no machine-readable Block Kit schema to validate against): the message's keys; at most 50 blocks; block types and
 * each one's allowed and required fields; text objects ({@code plain_text} or {@code mrkdwn}, 1 to 3,000 characters; a
 * header's plain_text at most 150); a context block's 1 to 10 elements; {@code block_id} at most 255. And this
 * gateway's own rule on top: every mrkdwn text is inert (no {@code <…>} but links to http(s) URLs, every {@code &} an
 * entity, code fences balanced). {@link #violations} lists what breaks them; none means the message passes.
 */
public final class BlockKitRules {

    private static final Set<String> MESSAGE_KEYS = Set.of("text", "blocks", "mrkdwn", "thread_ts", "unfurl_links",
            "unfurl_media", "attachments", "username", "icon_emoji", "icon_url");
    private static final Set<String> BLOCK_TYPES = Set.of("actions", "context", "divider", "file", "header", "image",
            "input", "rich_text", "section", "video", "markdown");
    private static final Pattern LINK = Pattern.compile("<https?://[^<>|\\s]+(\\|[^<>]*)?>");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt);");

    private BlockKitRules() {
    }

    public static List<String> violations(JsonNode message) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> keys = message.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!MESSAGE_KEYS.contains(key)) {
                out.add("message: unknown key " + key);
            }
        }
        if (!message.path("text").isTextual() || message.path("text").asText().isBlank()) {
            out.add("message: no text fallback");
        } else {
            inert("message.text", message.path("text").asText(), out);
        }
        JsonNode blocks = message.path("blocks");
        if (!blocks.isArray() || blocks.isEmpty()) {
            out.add("message: no blocks");
            return out;
        }
        if (blocks.size() > 50) {
            out.add("message: " + blocks.size() + " blocks, more than 50");
        }
        for (int i = 0; i < blocks.size(); i++) {
            block("blocks[" + i + "]", blocks.get(i), out);
        }
        return out;
    }

    private static void block(String where, JsonNode block, List<String> out) {
        String type = block.path("type").asText("");
        if (!BLOCK_TYPES.contains(type)) {
            out.add(where + ": unknown block type '" + type + "'");
            return;
        }
        if (block.has("block_id") && (block.get("block_id").asText().length() > 255)) {
            out.add(where + ": block_id longer than 255");
        }
        switch (type) {
            case "header" -> {
                only(where, block, Set.of("type", "text", "block_id"), out);
                text(where + ".text", block.path("text"), Set.of("plain_text"), 150, out);
            }
            case "divider" -> only(where, block, Set.of("type", "block_id"), out);
            case "section" -> {
                only(where, block, Set.of("type", "text", "fields", "accessory", "block_id", "expand"), out);
                if (!block.has("text") && !block.has("fields")) {
                    out.add(where + ": a section needs text or fields");
                }
                if (block.has("text")) {
                    text(where + ".text", block.get("text"), Set.of("plain_text", "mrkdwn"), 3000, out);
                }
                JsonNode fields = block.path("fields");
                if (block.has("fields") && (!fields.isArray() || fields.isEmpty() || fields.size() > 10)) {
                    out.add(where + ": fields must hold 1 to 10 texts");
                }
                for (int i = 0; i < fields.size(); i++) {
                    text(where + ".fields[" + i + "]", fields.get(i), Set.of("plain_text", "mrkdwn"), 2000, out);
                }
            }
            case "context" -> {
                only(where, block, Set.of("type", "elements", "block_id"), out);
                JsonNode elements = block.path("elements");
                if (!elements.isArray() || elements.isEmpty() || elements.size() > 10) {
                    out.add(where + ": a context needs 1 to 10 elements");
                }
                for (int i = 0; i < elements.size(); i++) {
                    text(where + ".elements[" + i + "]", elements.get(i), Set.of("plain_text", "mrkdwn"), 3000, out);
                }
            }
            default -> out.add(where + ": block type '" + type + "' is valid but not one this gateway writes");
        }
    }

    private static void text(String where, JsonNode text, Set<String> types, int max, List<String> out) {
        String type = text.path("type").asText("");
        if (!types.contains(type)) {
            out.add(where + ": text type '" + type + "' not allowed here");
            return;
        }
        only(where, text, "mrkdwn".equals(type) ? Set.of("type", "text", "verbatim") : Set.of("type", "text", "emoji"), out);
        String value = text.path("text").asText("");
        if (value.isEmpty()) {
            out.add(where + ": empty text");
        }
        if (value.length() > max) {
            out.add(where + ": " + value.length() + " characters, more than " + max);
        }
        if ("mrkdwn".equals(type)) {
            inert(where, value, out);
        } else if (value.contains("<") || value.contains(">")) {
            out.add(where + ": plain_text with < or >");
        }
    }

    /** No mention, no channel link, no broken entity: the only {@code <…>} left are links to http(s) URLs. */
    static void inert(String where, String mrkdwn, List<String> out) {
        String withoutLinks = LINK.matcher(mrkdwn).replaceAll("").replaceAll("(?m)^> ", ""); // a quote's marks
        if (withoutLinks.contains("<") || withoutLinks.contains(">")) {
            out.add(where + ": a raw < or > outside a link: " + excerpt(withoutLinks));
        }
        Matcher amp = Pattern.compile("&").matcher(mrkdwn);
        while (amp.find()) {
            if (!ENTITY.matcher(mrkdwn).region(amp.start(), mrkdwn.length()).lookingAt()) {
                out.add(where + ": a bare & at " + amp.start());
                break;
            }
        }
        int fences = mrkdwn.split("```", -1).length - 1;
        if (fences % 2 != 0) {
            out.add(where + ": unbalanced code fences");
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

    private static String excerpt(String s) {
        int i = Math.max(0, Math.min(s.indexOf('<') < 0 ? s.indexOf('>') : s.indexOf('<'), s.length()));
        return s.substring(Math.max(0, i - 20), Math.min(s.length(), i + 40));
    }
}
