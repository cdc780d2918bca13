package io.switchboard.config;

import java.util.regex.Pattern;

/** Validation helpers for configuration records; each failure names the key it is about. */
final class Check {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private Check() {
    }

    static long positive(String key, long value) {
        if (value <= 0) {
            throw new InvalidValueException(key, "must be greater than 0, got " + value);
        }
        return value;
    }

    static long atLeast(String key, long min, long value) {
        if (value < min) {
            throw new InvalidValueException(key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    static double between(String key, double min, double max, double value) {
        if (!(value >= min && value <= max)) {
            throw new InvalidValueException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static String name(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidValueException(key, "is required");
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidValueException(key, "'" + value
                    + "' is not a valid name (letters, digits, '_', '.', '-'; at most 64 characters)");
        }
        return value;
    }

    /** An absolute http(s) URL; the value is never echoed, since such URLs often carry a secret token. */
    static java.net.URI httpUrl(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidValueException(key, "is required");
        }
        java.net.URI uri;
        try {
            uri = java.net.URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(key, "is not a valid URL");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new InvalidValueException(key, "must be an absolute http:// or https:// URL");
        }
        return uri;
    }

    /** A {@code redis://} or {@code rediss://} URL for {@code what}; never echoed, since it may carry a password. */
    static void redisUrl(String key, String value, String what) {
        if (value == null || !(value.startsWith("redis://") || value.startsWith("rediss://"))) {
            throw new InvalidValueException(key, what + " needs url: redis://host:port");
        }
    }

    static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
