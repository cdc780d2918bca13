package io.switchboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** Reads and writes {@link Faults} in the snake_case JSON of the {@code /fault} endpoint. */
final class FaultsJson {

    private FaultsJson() {
    }

    static ObjectNode toJson(Faults faults) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error_rate", faults.errorRate());
        node.put("added_latency_ms", faults.addedLatencyMs());
        node.put("hang", faults.hang());
        node.put("status", faults.status());
        return node;
    }

    /**
     * Applies the keys present in {@code patch} to {@code current}; absent keys keep their value, so
     * {@code {"hang":false}} alone releases a hang without touching the error rate.
     *
     * @throws IllegalArgumentException naming the key when a key is unknown or a value has the wrong type or range
     */
    static Faults merge(Faults current, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("expected a JSON object like {\"error_rate\":0.3,\"added_latency_ms\":500,"
                    + "\"hang\":false,\"status\":503}");
        }
        Faults next = current;
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            JsonNode value = field.getValue();
            next = switch (field.getKey()) {
                case "error_rate" -> next.withErrorRate(number(field.getKey(), value));
                case "added_latency_ms" -> next.withAddedLatencyMs(whole(field.getKey(), value));
                case "hang" -> next.withHang(bool(field.getKey(), value));
                case "status" -> next.withStatus(Math.toIntExact(whole(field.getKey(), value)));
                default -> throw new IllegalArgumentException("unknown key '" + field.getKey()
                        + "'; known keys: error_rate, added_latency_ms, hang, status");
            };
        }
        return next;
    }

    private static double number(String key, JsonNode value) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private static long whole(String key, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + value);
        }
        return value.longValue();
    }

    private static boolean bool(String key, JsonNode value) {
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }
}
