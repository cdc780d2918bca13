package io.switchboard.admission;

import com.fasterxml.jackson.core.JsonParseException;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.Suggest;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;

import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns a request body into an {@link Envelope}, or says precisely what is wrong with it. Unknown fields are
 * refused (a misspelt {@code priorty} silently ignored would be worse), and every problem is reported at once.
 */
public final class EnvelopeParser {

    /** Longest accepted time to live: a day. */
    public static final long MAX_TTL_MS = 86_400_000L;
    public static final int MAX_IDEMPOTENCY_KEY = 256;
    public static final int MAX_METADATA_ENTRIES = 64;
    public static final int MAX_NESTING_DEPTH = 64;

    static final Set<String> FIELDS = Set.of("content", "metadata", "class", "priority", "ttl_ms", "idempotency_key");

    private static final ObjectMapper MAPPER = Json.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
    }

    /** The parsed envelope, or the reasons it was refused. */
    public sealed interface Result {
        record Valid(Envelope envelope) implements Result {
        }

        record Invalid(InvalidEnvelope problem) implements Result {
        }
    }

    /**
     * The envelope in {@code body}, or why it is refused.
     *
     * @param knownClass whether an explicit {@code class} names a class of the rules the message will be classified
     *                   by (the same version of them: a reload in between must not leave a class checked by one and
     *                   decided by another)
     */
    public Result parse(byte[] body, Predicate<String> knownClass) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            return invalid(400, "request body exceeds a JSON limit: " + firstLine(e.getOriginalMessage()));
        } catch (CharConversionException e) {
            return invalid(400, "request body is not valid UTF-8");
        } catch (JsonParseException e) {
            String msg = firstLine(e.getOriginalMessage());
            if (msg.contains("UTF-8") || msg.contains("UTF8")) {
                return invalid(400, "request body is not valid UTF-8");
            }
            return invalid(400, "request body is not valid JSON: " + msg + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            return invalid(400, "request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return invalid(400, "request body is empty; expected a JSON object with a 'content' field");
        }
        if (!root.isObject()) {
            return invalid(422, "request body must be a JSON object, got " + kind(root));
        }
        List<InvalidEnvelope.FieldError> errors = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new InvalidEnvelope.FieldError(name, "unknown field" + Suggest.hint(name, FIELDS)));
            }
        });

        JsonNode content = root.get("content");
        if (content == null || content.isNull()) {
            errors.add(new InvalidEnvelope.FieldError("content", "is required"));
        } else if (!content.isTextual() && !content.isObject()) {
            errors.add(new InvalidEnvelope.FieldError("content", "must be a string or an object, got " + kind(content)));
        } else if (content.isTextual() && content.textValue().isEmpty()) {
            errors.add(new InvalidEnvelope.FieldError("content", "must not be empty"));
        } else if (content.isObject()) {
            String beyond = nonFinite(content, "content");
            if (beyond != null) {
                errors.add(new InvalidEnvelope.FieldError(beyond, "is a number beyond the range of a double"
                        + " (about ±1.8e308); send it as a string"));
            }
        }

        Map<String, String> metadata = metadata(root.get("metadata"), errors);
        String className = optionalString(root, "class", 64, errors);
        if (className != null && !knownClass.test(className)) {
            errors.add(new InvalidEnvelope.FieldError("class", "unknown class '" + className + "'"));
        }
        Priority priority = null;
        JsonNode p = root.get("priority");
        if (p != null && !p.isNull()) {
            priority = p.isTextual() ? Priority.parse(p.textValue()) : null;
            if (priority == null) {
                errors.add(new InvalidEnvelope.FieldError("priority", "must be one of CRITICAL, HIGH, NORMAL, LOW, got "
                        + (p.isTextual() ? "'" + p.textValue() + "'" : kind(p))));
            }
        }
        Long ttl = null;
        JsonNode t = root.get("ttl_ms");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                errors.add(new InvalidEnvelope.FieldError("ttl_ms", "must be an integer number of milliseconds, got " + kind(t)));
            } else if (t.longValue() <= 0 || t.longValue() > MAX_TTL_MS) {
                errors.add(new InvalidEnvelope.FieldError("ttl_ms", "must be between 1 and " + MAX_TTL_MS + ", got " + t.longValue()));
            } else {
                ttl = t.longValue();
            }
        }
        String idempotencyKey = optionalString(root, "idempotency_key", MAX_IDEMPOTENCY_KEY, errors);
        if (!errors.isEmpty()) {
            return new Result.Invalid(new InvalidEnvelope(422, errors.size() == 1
                    ? errors.get(0).field() + ": " + errors.get(0).reason()
                    : errors.size() + " fields are invalid", errors));
        }
        return new Result.Valid(new Envelope(content, metadata, className, priority, ttl, idempotencyKey));
    }

    private static Map<String, String> metadata(JsonNode node, List<InvalidEnvelope.FieldError> errors) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            errors.add(new InvalidEnvelope.FieldError("metadata", "must be an object of string values, got " + kind(node)));
            return Map.of();
        }
        if (node.size() > MAX_METADATA_ENTRIES) {
            errors.add(new InvalidEnvelope.FieldError("metadata", "at most " + MAX_METADATA_ENTRIES + " entries, got " + node.size()));
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            } else {
                errors.add(new InvalidEnvelope.FieldError("metadata." + e.getKey(), "must be a string, got " + kind(e.getValue())));
            }
        });
        return out;
    }

    private static String optionalString(JsonNode root, String field, int maxLength, List<InvalidEnvelope.FieldError> errors) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new InvalidEnvelope.FieldError(field, "must be a string, got " + kind(n)));
            return null;
        }
        String v = n.textValue();
        if (v.isEmpty() || v.length() > maxLength) {
            errors.add(new InvalidEnvelope.FieldError(field, "must be 1 to " + maxLength + " characters"));
            return null;
        }
        return v;
    }

    /**
     * The path of the first number under {@code node} too large for a double, or null. Jackson reads such a number as
     * infinity, which JSON cannot carry: it would reach workers and the store as the string "Infinity".
     */
    private static String nonFinite(JsonNode node, String path) {
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue()) ? null : path;
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                String found = nonFinite(field.getValue(), path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nonFinite(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase();
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Result invalid(int status, String detail) {
        return new Result.Invalid(new InvalidEnvelope(status, detail, List.of()));
    }

}
