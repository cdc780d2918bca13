package io.switchboard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a merged YAML tree into configuration records one record at a time, so that every record is checked on its
 * own and each problem is reported with the full path of the key it concerns. A record whose parts failed is not
 * built, but its siblings still are, so one pass reports every independent problem.
 */
final class Binder {

    /** Marks a value that could not be bound; its problems are already recorded. */
    private static final Object FAILED = new Object();

    private final ObjectMapper mapper;
    private final Origins origins;
    private final List<ConfigProblem> problems = new ArrayList<>();

    Binder(ObjectMapper mapper, Origins origins) {
        this.mapper = mapper;
        this.origins = origins;
    }

    /** The bound record, or null when any problem was found (see {@link #problems()}). */
    <T extends Record> T bindRoot(JsonNode root, Class<T> type) {
        Object value = bind(root, type, "");
        return value == FAILED ? null : type.cast(value);
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    private Object bind(JsonNode node, Type type, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (Schema.isRecord(type)) {
            return bindRecord(node, Schema.rawClass(type), path);
        }
        if (Schema.isList(type)) {
            return bindList(node, Schema.contentType(type), path);
        }
        if (Schema.isMap(type)) {
            return bindMap(node, Schema.contentType(type), path);
        }
        return bindScalar(node, type, path);
    }

    private Object bindRecord(JsonNode node, Class<?> type, String path) {
        if (!node.isObject()) {
            return fail(path, "expected a map of settings, got " + describe(node));
        }
        List<Schema.Field> fields = Schema.fields(type);
        List<String> keys = Schema.keys(type);
        boolean failed = false;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            if (!keys.contains(name)) {
                fail(KeyPath.child(path, name), "unknown key" + Suggest.hint(name, keys));
                failed = true;
            }
        }
        Object[] args = new Object[fields.size()];
        Class<?>[] parameterTypes = new Class<?>[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Schema.Field field = fields.get(i);
            parameterTypes[i] = field.component().getType();
            args[i] = bind(node.get(field.name()), field.type(), KeyPath.child(path, field.name()));
            failed |= args[i] == FAILED;
        }
        return failed ? FAILED : construct(type, parameterTypes, args, path);
    }

    private Object construct(Class<?> type, Class<?>[] parameterTypes, Object[] args, String path) {
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidValueException invalid) {
                return fail(KeyPath.resolve(path, invalid.key()), invalid.reason());
            }
            throw new IllegalStateException("configuration record " + type.getSimpleName() + " failed at '" + path + "'",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("configuration record " + type.getSimpleName() + " cannot be built", e);
        }
    }

    private Object bindList(JsonNode node, Type elementType, String path) {
        if (!node.isArray()) {
            return fail(path, "expected a list, got " + describe(node));
        }
        List<Object> list = new ArrayList<>(node.size());
        boolean failed = false;
        for (int i = 0; i < node.size(); i++) {
            String elementPath = KeyPath.index(path, i);
            Object element = node.get(i).isNull()
                    ? fail(elementPath, "must not be empty")
                    : bind(node.get(i), elementType, elementPath);
            failed |= element == FAILED;
            list.add(element);
        }
        return failed ? FAILED : list;
    }

    private Object bindMap(JsonNode node, Type valueType, String path) {
        if (!node.isObject()) {
            return fail(path, "expected a map, got " + describe(node));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        boolean failed = false;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String entryPath = KeyPath.child(path, entry.getKey());
            Object value = entry.getValue().isNull()
                    ? fail(entryPath, "must not be empty")
                    : bind(entry.getValue(), valueType, entryPath);
            failed |= value == FAILED;
            map.put(entry.getKey(), value);
        }
        return failed ? FAILED : map;
    }

    private Object bindScalar(JsonNode node, Type type, String path) {
        Class<?> target = Schema.rawClass(type);
        if (node.isContainerNode()) {
            return fail(path, "expected " + Schema.describe(type) + ", got " + describe(node));
        }
        try {
            return mapper.treeToValue(node, target);
        } catch (JacksonException | IllegalArgumentException e) {
            String hint = target.isEnum() && node.isTextual() ? Suggest.hint(node.asText(), Schema.enumNames(target)) : "";
            String range = node.isIntegralNumber() && (target == Integer.class || target == Long.class)
                    ? " (out of range)" : "";
            return fail(path, "expected " + Schema.describe(type) + ", got " + describe(node) + range + hint);
        }
    }

    private Object fail(String path, String reason) {
        problems.add(origins.problem(path, reason));
        return FAILED;
    }

    /** How a YAML value reads back to the user in an error. */
    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a map";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
        }
        return node.asText();
    }
}
