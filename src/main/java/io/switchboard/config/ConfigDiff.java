package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where two configurations differ, as key paths ({@code server.port}, {@code pools.fast.workers}, {@code auth.keys}),
 * never values: a path is safe to log and to answer even when the value is a secret.
 */
public final class ConfigDiff {

    /** How deep paths go: deep enough to name a pool's workers, shallow enough to stay readable. */
    private static final int DEPTH = 3;

    private ConfigDiff() {
    }

    /** The key paths whose values differ between {@code before} and {@code after}, in configuration order. */
    public static List<String> changedKeys(SwitchboardConfig before, SwitchboardConfig after) {
        List<String> out = new ArrayList<>();
        compare("", before, after, 0, out);
        return List.copyOf(out);
    }

    private static void compare(String path, Object a, Object b, int depth, List<String> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (depth < DEPTH && a != null && b != null && a.getClass() == b.getClass() && a.getClass().isRecord()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                JsonProperty name = c.getAccessor().getAnnotation(JsonProperty.class);
                if (name == null) {
                    name = c.getAnnotation(JsonProperty.class);
                }
                String key = name != null ? name.value() : c.getName();
                compare(join(path, key), read(c, a), read(c, b), depth + 1, out);
            }
            return;
        }
        if (depth < DEPTH && a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<Object> keys = new LinkedHashSet<>(ma.keySet());
            keys.addAll(mb.keySet());
            for (Object k : keys) {
                compare(join(path, String.valueOf(k)), ma.get(k), mb.get(k), depth + 1, out);
            }
            return;
        }
        out.add(path);
    }

    private static Object read(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
