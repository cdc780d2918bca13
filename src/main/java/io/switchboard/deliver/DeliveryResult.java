package io.switchboard.deliver;

import java.util.List;

/** How a message's delivery ended, after every attempt. */
public sealed interface DeliveryResult {

    /** Number of attempts that reached a worker. */
    int attempts();

    /** Every failed attempt, oldest first. */
    List<AttemptFailure> failures();

    /** A worker answered 2xx JSON. */
    record Success(String pool, String worker, int attempts, byte[] body, List<AttemptFailure> failures)
            implements DeliveryResult {
    }

    /**
     * No answer: {@code category} says why (worker failure, overload, no worker, expiry, shutdown).
     *
     * @param pool   the last pool tried, or the primary pool when no attempt was made
     * @param worker the last worker tried, or null
     */
    record Failure(ErrorCategory category, String detail, String pool, String worker, int attempts,
                   long retryAfterMillis, List<AttemptFailure> failures) implements DeliveryResult {
    }

    /** One failed attempt: where, and what went wrong. */
    record AttemptFailure(int attempt, String pool, String worker, ErrorCategory category, String detail) {
    }
}
