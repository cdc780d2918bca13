package io.switchboard.ingress.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.AsyncPipeline;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.Submission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns one item a Redis ingress took into a stored message, or into a dead letter when it is not JSON or too large,
 * so a malformed item never blocks its source.
 */
final class ItemIntake {

    private final AsyncPipeline async;
    private final long maxItemBytes;
    private final List<String> requiredFields;

    /**
     * @param maxItemBytes   larger items are dead-lettered as too large ({@code server.max_body_bytes})
     * @param requiredFields items lacking one of these are dead-lettered ({@code ingress[].required_fields})
     */
    ItemIntake(AsyncPipeline async, long maxItemBytes, List<String> requiredFields) {
        this.async = async;
        this.maxItemBytes = maxItemBytes;
        this.requiredFields = List.copyOf(requiredFields);
    }

    /** True once the item is stored (or dead-lettered, or a duplicate); false when the store refused it for now. */
    boolean submit(String item, Map<String, String> metadata, String requestId) {
        try {
            if (tooLarge(item)) {
                async.rejectOnArrival(cut(item, metadata), requestId, "item larger than server.max_body_bytes ("
                        + maxItemBytes + " bytes); kept cut to its first 1024 characters");
                return true;
            }
            JsonNode content = parse(item);
            if (content == null) {
                async.rejectOnArrival(new Envelope(Json.mapper().getNodeFactory().textNode(item), metadata, null, null,
                        null, null), requestId, "not JSON");
                return true;
            }
            Envelope envelope = new Envelope(content, metadata, null, null, null, null);
            String missing = missing(content);
            if (missing != null) {
                async.rejectOnArrival(envelope, requestId, missing);
                return true;
            }
            Submission s = async.submit(envelope, requestId).submission();
            return !(s instanceof Submission.Refused);
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /**
     * Dead-letters the item as rejected because of {@code why}: kept as JSON when it is, else as text (cut when too
     * large). True once stored, false when the store refused it for now.
     */
    boolean reject(String item, Map<String, String> metadata, String requestId, String why) {
        try {
            JsonNode content = tooLarge(item) ? null : parse(item);
            Envelope envelope = content != null ? new Envelope(content, metadata, null, null, null, null)
                    : tooLarge(item) ? cut(item, metadata)
                    : new Envelope(Json.mapper().getNodeFactory().textNode(item), metadata, null, null, null, null);
            async.rejectOnArrival(envelope, requestId, why);
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /** Why {@code content} lacks the required fields, or null when it has them all. */
    private String missing(JsonNode content) {
        if (requiredFields.isEmpty()) {
            return null;
        }
        if (!content.isObject()) {
            return "not a JSON object (required fields: " + String.join(", ", requiredFields) + ")";
        }
        List<String> absent = new ArrayList<>();
        for (String field : requiredFields) {
            JsonNode v = content;
            for (String step : field.split("\\.")) {
                v = v.path(step);
            }
            if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                absent.add(field);
            }
        }
        return absent.isEmpty() ? null : "missing required " + (absent.size() == 1 ? "field " : "fields ")
                + String.join(", ", absent);
    }

    private boolean tooLarge(String item) {
        return item.getBytes(StandardCharsets.UTF_8).length > maxItemBytes;
    }

    private static Envelope cut(String item, Map<String, String> metadata) {
        return new Envelope(Json.mapper().getNodeFactory().textNode(item.substring(0, Math.min(item.length(), 1024))),
                metadata, null, null, null, null);
    }

    /** The item as JSON, or null when it is not JSON. */
    private static JsonNode parse(String item) {
        JsonNode content;
        try {
            content = Json.mapper().readTree(item);
        } catch (IOException e) {
            return null;
        }
        return content == null || content.isMissingNode() ? null : content;
    }
}
