package io.switchboard.message;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * What a producer hands to Switchboard: the content plus optional routing hints.
 *
 * @param content        a JSON string or object; never null
 * @param metadata       string key/value pairs; never null, possibly empty
 * @param className      an explicit class that overrides classification, or null
 * @param priority       an explicit priority that overrides the class's, or null
 * @param ttlMs          time to live in milliseconds from acceptance, or null for the configured default
 * @param idempotencyKey a producer-chosen key for de-duplication, or null
 */
public record Envelope(JsonNode content, Map<String, String> metadata, String className,
                       Priority priority, Long ttlMs, String idempotencyKey) {

    public Envelope {
        Objects.requireNonNull(content, "content");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An envelope carrying only text content. */
    public static Envelope ofText(String text) {
        return new Envelope(com.fasterxml.jackson.databind.node.TextNode.valueOf(text), Map.of(), null, null, null, null);
    }

    /** The text that text rules match against: the string itself, or the object's JSON form. */
    public String text() {
        return content.isTextual() ? content.textValue() : content.toString();
    }
}
