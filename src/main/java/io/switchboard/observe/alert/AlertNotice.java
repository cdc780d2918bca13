package io.switchboard.observe.alert;

import java.time.Instant;

/**
 * A change of an alert's state that is worth telling someone about: it started firing, or it stopped.
 *
 * @param alert the alert, with the value measured when it fired
 * @param at    when the change was seen
 */
public record AlertNotice(Status status, Alert alert, Instant at) {

    /** Firing is posted once when the condition has held for its whole hold time; resolved once when it clears. */
    public enum Status {
        FIRING, RESOLVED;

        public String label() {
            return this == FIRING ? "firing" : "resolved";
        }
    }
}
