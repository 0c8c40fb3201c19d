package gateway.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A short chat message of the gateway's own rather than a question's answer: a Slack or Teams endpoint's test message
 * ({@code endpoint.test}) and the notices of another endpoint's health ({@code endpoint.paused},
 * {@code endpoint.resumed}). A title (fixed words), one paragraph, and facts (name → value) shown under it. The texts
 * are plain (no markup: {@link SlackMessage} and {@link TeamsCard} escape them like any other text).
 */
public record ChatNotice(String title, String text, Map<String, String> facts) {

    public ChatNotice {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("a chat notice needs a title");
        }
        text = text == null ? "" : text;
        Map<String, String> kept = new LinkedHashMap<>();
        if (facts != null) {
            facts.forEach((name, value) -> {
                if (value != null && !value.isBlank()) {
                    kept.put(name, value);
                }
            });
        }
        facts = java.util.Collections.unmodifiableMap(kept);
    }
}
