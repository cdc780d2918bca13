package io.switchboard.config;

/** Builds and takes apart key paths such as {@code pools.fast.workers[1].url}. */
final class KeyPath {

    private KeyPath() {
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** Appends a path relative to {@code parent}, e.g. {@code workers[0].id} or {@code [2]}. */
    static String resolve(String parent, String relative) {
        if (relative.isEmpty()) {
            return parent;
        }
        return relative.startsWith("[") ? parent + relative : child(parent, relative);
    }

    /** The path one level up, or "" at the top. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
