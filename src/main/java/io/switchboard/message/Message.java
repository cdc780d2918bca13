package io.switchboard.message;

import io.switchboard.classify.Classification;

/**
 * An accepted envelope with its identity, classification and deadline: the unit that flows through the pipeline.
 *
 * @param id             the message id (also sent to workers)
 * @param requestId      the request id carried end to end (X-Request-ID)
 * @param envelope       what the producer sent
 * @param classification the class and priority it was given
 * @param acceptedNanos  {@link io.switchboard.time.Ticker#nanoTime()} at acceptance
 * @param deadlineNanos  the ticker reading after which it must never be delivered
 */
public record Message(String id, String requestId, Envelope envelope, Classification classification,
                      long acceptedNanos, long deadlineNanos) {

    public Priority priority() {
        return classification.priority();
    }

    public String className() {
        return classification.className();
    }

    /** Whether the deadline has passed at {@code nowNanos} (overflow-safe comparison). */
    public boolean isExpired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** Nanoseconds left before the deadline at {@code nowNanos}; zero or negative once expired. */
    public long remainingNanos(long nowNanos) {
        return deadlineNanos - nowNanos;
    }
}
