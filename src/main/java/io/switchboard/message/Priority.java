package io.switchboard.message;

import java.util.Locale;

/** Delivery priority; declaration order is urgency order (CRITICAL first). */
public enum Priority {
    CRITICAL, HIGH, NORMAL, LOW;

    private static final Priority[] VALUES = values();

    /** All priorities, most urgent first; a shared array that callers must not modify. */
    public static Priority[] ordered() {
        return VALUES;
    }

    /** Parses a priority name case-insensitively; null when the name is not a priority. */
    public static Priority parse(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
