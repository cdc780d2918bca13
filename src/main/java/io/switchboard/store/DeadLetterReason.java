package io.switchboard.store;

import java.util.List;
import java.util.Locale;

/** Why a message was dead-lettered. */
public enum DeadLetterReason {
    /** Every allowed attempt failed with a retryable error. */
    MAX_ATTEMPTS,
    /** Its deadline passed before it could be delivered. */
    EXPIRED,
    /** A worker refused it with a 4xx answer, which retrying would not change. */
    FATAL_4XX,
    /** It could not be delivered as stored: the worker's answer was unusable, or the stored envelope unreadable. */
    REJECTED;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    public static List<String> labels() {
        return java.util.Arrays.stream(values()).map(DeadLetterReason::label).toList();
    }

    /** The reason labelled {@code label}, or null. */
    public static DeadLetterReason ofLabel(String label) {
        for (DeadLetterReason r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        return null;
    }
}
