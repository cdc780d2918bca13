package io.switchboard.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers which source (base file, profile file, environment variable) set each part of the merged tree, so a
 * problem found after merging still names the place the user has to edit.
 */
final class Origins {

    private final String base;
    private final Map<String, String> byPath = new HashMap<>();

    Origins(String base) {
        this.base = base;
    }

    /** Records that {@code source} set the value at {@code path} and everything below it. */
    void set(String path, String source) {
        byPath.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "["));
        byPath.put(path, source);
    }

    /** The source of the closest enclosing path that was set explicitly, else the base file. */
    String of(String path) {
        for (String p = path; ; p = KeyPath.parent(p)) {
            String source = byPath.get(p);
            if (source != null) {
                return source;
            }
            if (p.isEmpty()) {
                return base;
            }
        }
    }

    ConfigProblem problem(String path, String reason) {
        return new ConfigProblem(of(path), path, reason);
    }
}
