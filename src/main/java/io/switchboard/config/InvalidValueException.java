package io.switchboard.config;

/**
 * Thrown by a configuration record's constructor when a value is invalid. The key is relative to the record;
 * the loader prefixes the path of the record so the user sees {@code file:pools.strong.workers[0].url: reason}.
 */
public final class InvalidValueException extends RuntimeException {

    private final String key;

    public InvalidValueException(String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    /** The key, relative to the record that rejected it (may be dotted, e.g. {@code backoff.max_ms}). */
    public String key() {
        return key;
    }

    public String reason() {
        return getMessage();
    }
}
