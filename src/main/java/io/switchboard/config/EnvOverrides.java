package io.switchboard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies {@code SWITCHBOARD_<PATH>} environment variables to the merged tree. Keys contain underscores themselves,
 * so a variable name is matched against the schema (record keys) and the tree (map keys, list indices), trying the
 * longest key first and backtracking, e.g. {@code SWITCHBOARD_POOLS_FAST_WORKERS_0_MAX_CONCURRENCY} becomes
 * {@code pools.fast.workers[0].max_concurrency}.
 */
final class EnvOverrides {

    /** A resolved variable: the steps into the tree (String keys, Integer indices) and the type found there. */
    private record Match(List<Object> steps, Type type) {
    }

    private final ObjectMapper yaml;
    private final Origins origins;
    private final List<ConfigProblem> problems;

    EnvOverrides(ObjectMapper yaml, Origins origins, List<ConfigProblem> problems) {
        this.yaml = yaml;
        this.origins = origins;
        this.problems = problems;
    }

    void apply(ObjectNode root, Map<String, String> env, String prefix, Set<String> ignored) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(prefix) || ignored.contains(name)) {
                continue;
            }
            String[] tokens = name.substring(prefix.length()).split("_", -1);
            Match match = resolve(SwitchboardConfig.class, root, tokens, 0);
            String source = "$" + name;
            if (match == null) {
                List<String> known = new ArrayList<>();
                collectNames(SwitchboardConfig.class, root, "", known);
                String closest = Suggest.closest(name.substring(prefix.length()), known);
                problems.add(new ConfigProblem(source, "", "matches no configuration key"
                        + (closest == null ? "" : " (did you mean '" + prefix + closest + "'?)")));
                continue;
            }
            String path = pathOf(match.steps());
            try {
                set(root, match.steps(), value(variable.getValue(), match.type()));
                origins.set(path, source);
            } catch (JacksonException e) {
                problems.add(new ConfigProblem(source, path, "not valid YAML: " + ConfigLoader.firstLine(e)));
            }
        }
    }

    private Match resolve(Type type, JsonNode node, String[] tokens, int at) {
        if (at == tokens.length) {
            return new Match(new ArrayList<>(), type);
        }
        if (Schema.isRecord(type)) {
            List<Schema.Field> fields = new ArrayList<>(Schema.fields(Schema.rawClass(type)));
            fields.sort(Comparator.comparingInt((Schema.Field f) -> segments(f.name()).length).reversed());
            for (Schema.Field field : fields) {
                Match rest = descend(field.name(), field.type(), child(node, field.name()), tokens, at);
                if (rest != null) {
                    return rest;
                }
            }
            return null;
        }
        if (Schema.isMap(type)) {
            List<String> keys = new ArrayList<>();
            if (node != null && node.isObject()) {
                node.properties().forEach(e -> keys.add(e.getKey()));
            }
            keys.sort(Comparator.comparingInt((String k) -> segments(k).length).reversed());
            Type valueType = Schema.contentType(type);
            for (String key : keys) {
                Match rest = descend(key, valueType, node.get(key), tokens, at);
                if (rest != null) {
                    return rest;
                }
            }
            if (Schema.isScalar(valueType)) {
                // A scalar map such as rule metadata may gain a key that the file does not have yet.
                String key = String.join("_", List.of(tokens).subList(at, tokens.length)).toLowerCase(Locale.ROOT);
                List<Object> steps = new ArrayList<>();
                steps.add(key);
                return new Match(steps, valueType);
            }
            return null;
        }
        if (Schema.isList(type) && node != null && node.isArray() && isIndex(tokens[at])) {
            int index = Integer.parseInt(tokens[at]);
            if (index < node.size()) {
                Match rest = resolve(Schema.contentType(type), node.get(index), tokens, at + 1);
                if (rest != null) {
                    rest.steps().addFirst(index);
                    return rest;
                }
            }
        }
        return null;
    }

    private Match descend(String key, Type type, JsonNode child, String[] tokens, int at) {
        String[] wanted = segments(key);
        if (at + wanted.length > tokens.length) {
            return null;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (!wanted[i].equals(tokens[at + i])) {
                return null;
            }
        }
        Match rest = resolve(type, child, tokens, at + wanted.length);
        if (rest != null) {
            rest.steps().addFirst(key);
        }
        return rest;
    }

    /** Every variable name (without the prefix) that would resolve, for did-you-mean hints. */
    private static void collectNames(Type type, JsonNode node, String name, List<String> into) {
        if (!name.isEmpty()) {
            into.add(name);
        }
        String prefix = name.isEmpty() ? "" : name + "_";
        if (Schema.isRecord(type)) {
            for (Schema.Field field : Schema.fields(Schema.rawClass(type))) {
                collectNames(field.type(), child(node, field.name()), prefix + envName(field.name()), into);
            }
        } else if (Schema.isMap(type) && node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collectNames(Schema.contentType(type), e.getValue(), prefix + envName(e.getKey()), into);
            }
        } else if (Schema.isList(type) && node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectNames(Schema.contentType(type), node.get(i), prefix + i, into);
            }
        }
    }

    /**
     * Strings are taken verbatim; other scalars are read as YAML so that numbers and booleans get their types;
     * maps and lists may be given in YAML flow style. An empty value unsets the key, restoring its default.
     */
    private JsonNode value(String raw, Type type) throws JacksonException {
        if (raw.isEmpty()) {
            return NullNode.getInstance();
        }
        if (Schema.rawClass(type) == String.class) {
            return TextNode.valueOf(raw);
        }
        if (Schema.isScalar(type)) {
            try {
                JsonNode parsed = yaml.readTree(raw);
                return parsed != null && parsed.isValueNode() ? parsed : TextNode.valueOf(raw);
            } catch (JacksonException e) {
                return TextNode.valueOf(raw);
            }
        }
        JsonNode parsed = yaml.readTree(raw);
        return parsed == null || parsed.isMissingNode() ? NullNode.getInstance() : parsed;
    }

    private static void set(ObjectNode root, List<Object> steps, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < steps.size() - 1; i++) {
            Object step = steps.get(i);
            JsonNode next = step instanceof Integer index ? parent.get(index) : parent.get((String) step);
            // Resolution only steps into list elements that exist, so only a missing or mistyped map is replaced.
            if (!(steps.get(i + 1) instanceof Integer) && !(next instanceof ObjectNode)) {
                next = JsonNodeFactory.instance.objectNode();
                if (step instanceof Integer index) {
                    ((ArrayNode) parent).set(index, next);
                } else {
                    ((ObjectNode) parent).set((String) step, next);
                }
            }
            parent = next;
        }
        Object last = steps.getLast();
        if (last instanceof Integer index) {
            ((ArrayNode) parent).set(index, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }

    private static String pathOf(List<Object> steps) {
        String path = "";
        for (Object step : steps) {
            path = step instanceof Integer index ? KeyPath.index(path, index) : KeyPath.child(path, (String) step);
        }
        return path;
    }

    private static JsonNode child(JsonNode node, String key) {
        return node != null && node.isObject() ? node.get(key) : null;
    }

    private static boolean isIndex(String token) {
        return !token.isEmpty() && token.length() <= 6 && token.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** A key as it is spelled in a variable name: upper case, anything but letters and digits becomes '_'. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String[] segments(String key) {
        return envName(key).split("_", -1);
    }
}
