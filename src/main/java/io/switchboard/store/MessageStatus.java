package io.switchboard.store;

import java.util.Locale;

/** Where an asynchronous message is in its life; the label is what the API and the store show. */
public enum MessageStatus {
    QUEUED, IN_FLIGHT, DELIVERED, DEAD_LETTERED, EXPIRED;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /** Whether the message sits in the dead-letter queue. */
    public boolean isDeadLetter() {
        return this == DEAD_LETTERED || this == EXPIRED;
    }

    public static MessageStatus ofLabel(String label) {
        for (MessageStatus s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown message status '" + label + "'");
    }
}
