package io.switchboard.store;

import java.util.List;

/** How a delivery round of a stored message ended, as the store records it (together with its completion events). */
public sealed interface Settlement {

    /** Attempts made so far, in all rounds. */
    int attempts();

    /** Every failed attempt so far, oldest first. */
    List<AttemptError> errors();

    /** A worker answered; {@code result} is its JSON. */
    record Delivered(String pool, String worker, int attempts, byte[] result, List<AttemptError> errors)
            implements Settlement {
    }

    /** Not this time: back to the queue, not to be delivered before {@code notBefore}. */
    record Retry(String pool, String worker, int attempts, long notBefore, List<AttemptError> errors)
            implements Settlement {
    }

    /** Given up: into the dead-letter queue, with the reason. */
    record DeadLettered(DeadLetterReason reason, String pool, String worker, int attempts, List<AttemptError> errors)
            implements Settlement {
    }
}
